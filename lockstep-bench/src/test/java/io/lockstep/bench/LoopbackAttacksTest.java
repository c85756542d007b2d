package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.lockstep.net.EchoServer;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.TimeSource;

class LoopbackAttacksTest {

    private static final long MINUTE_NANOS = 60_000_000_000L;

    @Test
    void sourcesAreDistinctLoopbackAddressesAndNever127001() {
        assertEquals("127.1.0.1", LoopbackAttacks.source(1, 0).getHostAddress());
        assertEquals("127.1.0.254", LoopbackAttacks.source(1, 253).getHostAddress());
        assertEquals("127.1.1.1", LoopbackAttacks.source(1, 254).getHostAddress());
        assertEquals("127.2.0.1", LoopbackAttacks.source(1, LoopbackAttacks.SOURCES_PER_BLOCK).getHostAddress());
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 3 * LoopbackAttacks.SOURCES_PER_BLOCK; i += 97) {
            InetAddress a = LoopbackAttacks.source(LoopbackAttacks.NTP_FLOOD_BLOCK, i);
            byte[] b = a.getAddress();
            assertTrue(b[0] == 127 && b[1] != 0 && b[3] != 0 && b[3] != (byte) 255, a.toString());
            assertTrue(seen.add(a), "repeated " + a);
        }
        assertThrows(IllegalArgumentException.class, () -> LoopbackAttacks.source(200, 55 * LoopbackAttacks.SOURCES_PER_BLOCK));
    }

    @Test
    void ntpFloodSendsEveryRequestFromItsOwnSource() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).warmUp(false).build())) {
            LoopbackAttacks.Load load = LoopbackAttacks.ntpFlood(server.localAddress(), 600, 3, 2, MINUTE_NANOS);
            assertTrue(load.summary().startsWith("600 sources × 3 req"), load.summary());
            // Three requests from each of 600 addresses stay far within the per-address limit:
            // nothing is rate-limited unless the sources really are distinct. A busy machine's
            // server may still be working through its socket's queue: judged once it has.
            long deadlineNanos = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() - deadlineNanos < 0) {
                HostStats.UdpQueue waiting = HostStats.udpQueue(server.localAddress());
                if (server.counters().answered() + server.counters().rateLimited() > 1_000
                        && (waiting == null || waiting.rxQueueBytes() == 0)) {
                    break;
                }
                Thread.sleep(20);
            }
            long seen = server.counters().answered() + server.counters().rateLimited();
            assertEquals(0, server.counters().rateLimited(), server.counters().toString());
            assertTrue(seen > 1_000, server.counters().toString());
            // The kernel's view of the server's socket, as the bench reads it.
            HostStats.UdpQueue q = HostStats.udpQueue(server.localAddress());
            assertTrue(q != null && q.rxQueueBytes() >= 0 && q.drops() >= 0, String.valueOf(q));
        }
    }

    @Test
    void echoChurnMakesOneExchangePerConnection() throws Exception {
        try (EchoServer server = EchoServer.start(TimeSource.system(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            LoopbackAttacks.Load load = LoopbackAttacks.echoChurn(server.address(), 200, 50, 2, MINUTE_NANOS);
            assertTrue(load.summary().startsWith("200 connections from 50 sources"), load.summary());
            assertTrue(load.summary().contains("200 exchanged"), load.summary());
            // The server counts an exchange after sending its reply: the client may be a step ahead.
            long deadlineNanos = System.nanoTime() + 60_000_000_000L;
            while (server.exchanges() < 200 && System.nanoTime() - deadlineNanos < 0) {
                Thread.sleep(20);
            }
            assertEquals(200, server.exchanges());
        }
    }

    @Test
    void echoIdleKeepsTheServerFullOfIdleConnections() throws Exception {
        try (EchoServer server = EchoServer.start(TimeSource.system(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new EchoServer.Options(10, MINUTE_NANOS))) {
            LoopbackAttacks.Load load = LoopbackAttacks.echoIdle(server.address(), 25, 1_000_000_000L);
            // 25 connections for 10 slots: the server evicts to make room, and the attack reconnects
            // each one it sees closed. How many in 1 s is the machine's; what holds on any machine:
            // every closure the attack saw is one the server made, and the connections the server
            // has not closed (its 10, plus any eviction a busy server has not got to yet) keep it
            // full at the end.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "\\(([\\d,]+) times.*; ([\\d,]+) open at the end").matcher(load.summary());
            assertTrue(m.find(), load.summary());
            assertTrue(Long.parseLong(m.group(1).replace(",", "")) <= server.evictedConnections(),
                    load.summary() + "; evicted " + server.evictedConnections());
            assertTrue(Integer.parseInt(m.group(2).replace(",", "")) >= 10, load.summary());
        }
    }
}
