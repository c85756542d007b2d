package io.lockstep.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lockstep.internal.ntp.NtpCodec;
import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.internal.ntp.NtpTimestamp;
import io.lockstep.net.NtpProbe;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.ReceiveTimestamps;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The NTP server of lockstep-core with this module on the class path: it finds the transport by
 * itself, answers real clients with kernel receive stamps, and those stamps are the datagrams'
 * arrival, not the moment the server thread got to them.
 */
class KernelStampedNtpServerTest {

    /** Generous: a loaded 2-core CI machine can delay a thread by milliseconds. */
    private static final long SLACK_NANOS = 2_000_000L;

    @BeforeAll
    static void onlyWhereSupported() {
        assumeTrue(LinuxTimestampingTransport.unsupportedReason(System.getProperty("os.name"),
                System.getProperty("os.arch")) == null, "64-bit Linux only");
    }

    private static NtpServer start(NtpServerConfig.Builder b) throws Exception {
        return NtpServer.start(b.port(0).rateLimit(NtpRateLimit.OFF).warmUp(false).build());
    }

    private static byte[] request(long transmitBits) {
        return NtpCodec.encode(NtpPacket.clientRequest(4, 0, new NtpTimestamp(transmitBits)));
    }

    private static NtpPacket receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return NtpCodec.decode(Arrays.copyOf(buf, p.getLength()));
    }

    @Test
    void autoPicksKernelStampsAndOurProbeGetsSaneExchanges() throws Exception {
        TimeSource clock = TimeSource.system();
        try (NtpServer server = start(NtpServerConfig.builder(clock));
             NtpProbe probe = NtpProbe.open(server.localAddress(), clock, 1_000_000_000L, 4)) {
            assertEquals(ReceiveTimestamps.KERNEL, server.receiveTimestamps());
            assertNull(server.userStampsReason());
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                TimeSample s = probe.exchange();
                long t1 = s.localSendWallNanos();
                long t2 = s.remoteReceiveWallNanos();
                long t3 = s.remoteSendWallNanos();
                long t4 = s.localReceiveWallNanos();
                // Same host, same clock: the request arrives after it was sent and the reply leaves
                // after the request arrived. The server's clock and ours are the same TimeSource and
                // the kernel stamp is converted into it, so only the conversion's sub-µs pairing
                // error may reverse an order; 10 µs is generous. (A conversion that paired the clocks
                // across a preemption put t2 up to 42 µs before t1 and failed here.)
                assertTrue(t2 <= t3, "t2 " + t2 + " <= t3 " + t3);
                assertTrue(t2 >= t1 - 10_000, "request received " + (t1 - t2) + " ns before it was sent");
                assertTrue(t3 <= t4 + 10_000, "reply sent " + (t3 - t4) + " ns after it was received");
                assertTrue(t4 - t1 < 1_000_000_000L);
                offsets.add(s.offsetNanos());
            }
            offsets.sort(null);
            long median = offsets.get(offsets.size() / 2);
            // One clock on both ends: the median offset is the residual error of the stamps.
            assertTrue(Math.abs(median) < 100_000, "median offset " + median + " ns");
            assertEquals(0, server.userStampFallbacks(), "every datagram carried a kernel stamp");
            assertTrue(server.counters().answered() >= 2000);
        }
    }

    @Test
    void aQueuedRequestIsStampedAtItsArrivalNotWhenTheServerGetsToIt() throws Exception {
        // The server thread is held up 50 ms by the first request while the second one waits in the
        // socket. The kernel stamped the second on arrival, before our send() returned (loopback
        // delivers, and stamps, inside the send); user space stamps it only once the stall is over,
        // at least 50 ms after the first was sent. Judged against clock readings taken around the
        // sends rather than against fixed lateness, so a busy machine cannot make either side miss.
        Queued kernel = queuedRequest(ReceiveTimestamps.KERNEL);
        assertTrue(kernel.stampWall() <= kernel.secondSentWall() + 10_000, "kernel stamp "
                + (kernel.stampWall() - kernel.secondSentWall()) + " ns after the send returned");
        Queued user = queuedRequest(ReceiveTimestamps.USER);
        assertTrue(user.stampWall() >= user.firstSendingWall() + 50_000_000L, "user stamp "
                + (user.stampWall() - user.firstSendingWall()) + " ns after the first request's send began");
    }

    /**
     * The server's receive stamp of a request that queued behind a slow one, with this host's wall
     * clock just before the first send and just after the second send returned.
     */
    private record Queued(long firstSendingWall, long secondSentWall, long stampWall) {
    }

    private static Queued queuedRequest(ReceiveTimestamps mode) throws Exception {
        StallingClock clock = new StallingClock(TimeSource.system());
        try (NtpServer server = start(NtpServerConfig.builder(clock).receiveTimestamps(mode));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertEquals(mode, server.receiveTimestamps());
            s.setSoTimeout(3000);
            clock.stallNextRead(50_000_000L);
            byte[] first = request(1);
            long firstSendingWall = clock.reference.wallNanos();
            s.send(new DatagramPacket(first, first.length, server.localAddress()));
            Thread.sleep(5);
            byte[] second = request(2);
            long sentWall = clock.reference.wallNanos();
            s.send(new DatagramPacket(second, second.length, server.localAddress()));
            long secondSentWall = clock.reference.wallNanos();
            NtpPacket a = receive(s);
            NtpPacket b = receive(s);
            NtpPacket reply = a.originTimestamp().bits() == 2 ? a : b;
            assertEquals(2, reply.originTimestamp().bits());
            long t2 = reply.receiveTimestamp().toWallNanos(sentWall);
            assertTrue(t2 >= sentWall - 50_000, "stamped before it was sent: " + (t2 - sentWall));
            return new Queued(firstSendingWall, secondSentWall, t2);
        }
    }

    /** The system clock, except that one chosen read blocks first: stands for a stalled server thread. */
    private static final class StallingClock implements TimeSource {
        final TimeSource reference;
        private volatile long stallNanos;

        StallingClock(TimeSource reference) {
            this.reference = reference;
        }

        void stallNextRead(long nanos) {
            stallNanos = nanos;
        }

        @Override
        public long wallNanos() {
            long stall = stallNanos;
            if (stall > 0) {
                stallNanos = 0;
                try {
                    Thread.sleep(stall / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return reference.wallNanos();
        }

        @Override
        public long monoNanos() {
            return reference.monoNanos();
        }
    }

    @Test
    void aSimulatedClockAheadIsServedInItsOwnDomain() throws Exception {
        TimeSource system = TimeSource.system();
        SimulatedTimeSource ahead = new SimulatedTimeSource(system, 2_500_000L, 20);
        try (NtpServer server = start(NtpServerConfig.builder(ahead));
             NtpProbe probe = NtpProbe.open(server.localAddress(), system, 1_000_000_000L, 4)) {
            assertEquals(ReceiveTimestamps.KERNEL, server.receiveTimestamps());
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                TimeSample s = probe.exchange();
                assertTrue(s.remoteReceiveWallNanos() <= s.remoteSendWallNanos());
                long expectedAhead = ahead.aheadAtReferenceWallNanos(s.localMidNanos());
                // The server's receive stamp lies within the exchange, shifted by the simulated offset.
                assertTrue(s.remoteReceiveWallNanos() >= s.localSendWallNanos() + expectedAhead - 50_000);
                assertTrue(s.remoteReceiveWallNanos() <= s.localReceiveWallNanos() + expectedAhead + 50_000);
                offsets.add(s.offsetNanos() + expectedAhead);
            }
            offsets.sort(null);
            // Lockstep's sign: offset = local − remote = −ahead.
            assertTrue(Math.abs(offsets.get(offsets.size() / 2)) < 100_000, "median error " + offsets.get(25));
        }
    }

    @Test
    void forcedOffServesFromUserSpace() throws Exception {
        TimeSource clock = TimeSource.system();
        try (NtpServer server = start(NtpServerConfig.builder(clock).receiveTimestamps(ReceiveTimestamps.USER));
             NtpProbe probe = NtpProbe.open(server.localAddress(), clock, 1_000_000_000L, 4)) {
            assertEquals(ReceiveTimestamps.USER, server.receiveTimestamps());
            assertEquals("asked for", server.userStampsReason());
            TimeSample s = probe.exchange();
            assertTrue(s.remoteReceiveWallNanos() <= s.remoteSendWallNanos());
        }
    }

    @Test
    void ipv6AndDualStackWildcardAnswerBothFamilies() throws Exception {
        for (String bind : List.of("::1", "::")) {
            try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system())
                    .bindAddress(InetAddress.getByName(bind)))) {
                assertEquals(ReceiveTimestamps.KERNEL, server.receiveTimestamps());
                List<String> clients = bind.equals("::") ? List.of("::1", "127.0.0.1") : List.of("::1");
                for (String client : clients) {
                    InetAddress c = InetAddress.getByName(client);
                    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(c, 0))) {
                        s.setSoTimeout(2000);
                        byte[] req = request(77);
                        s.send(new DatagramPacket(req, req.length, new InetSocketAddress(c, server.port())));
                        NtpPacket reply = receive(s);
                        assertEquals(77, reply.originTimestamp().bits(), bind + " from " + client);
                    }
                }
                assertEquals(0, server.userStampFallbacks());
            }
        }
    }

    @Test
    void busyPollingWithKernelStampsAnswersToo() throws Exception {
        TimeSource clock = TimeSource.system();
        try (NtpServer server = start(NtpServerConfig.builder(clock).busyPoll(true));
             NtpProbe probe = NtpProbe.open(server.localAddress(), clock, 1_000_000_000L, 4)) {
            assertEquals(ReceiveTimestamps.KERNEL, server.receiveTimestamps());
            for (int i = 0; i < 20; i++) {
                TimeSample s = probe.exchange();
                assertTrue(s.remoteReceiveWallNanos() <= s.remoteSendWallNanos());
            }
        }
    }

    @Test
    void closeWakesTheReceiverAndFreesThePort() throws Exception {
        NtpServer server = start(NtpServerConfig.builder(TimeSource.system()).threads(3));
        int port = server.port();
        Thread.sleep(50); // let the receivers block in recvmsg
        long start = System.nanoTime();
        server.close();
        long tookNanos = System.nanoTime() - start;
        // Not woken, the three receivers would each hold close() for its 2 s join: 6 s. Woken, close
        // takes milliseconds; 5 s tells the two apart even on a machine busy enough to stall a second.
        assertTrue(tookNanos < 5_000_000_000L, "close took " + tookNanos / 1_000_000 + " ms");
        // Rebinding the same port proves the descriptor was closed.
        try (NtpServer again = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(port).warmUp(false)
                .build())) {
            assertEquals(port, again.port());
        }
    }

    @Test
    void manyDatagramsReuseTheWorkersMemoryAndAllAreAnswered() throws Exception {
        int n = 20_000;
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(2000);
            int received = 0;
            for (int i = 1; i <= n; i++) {
                byte[] req = request(i);
                s.send(new DatagramPacket(req, req.length, server.localAddress()));
                try {
                    NtpPacket reply = receive(s);
                    assertEquals(i, reply.originTimestamp().bits());
                    received++;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            assertEquals(n, received);
            // The counter is bumped after the send returns, so the last reply can overtake it.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (server.counters().answered() < n && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            assertEquals(n, server.counters().answered());
            assertEquals(0, server.userStampFallbacks());
        }
    }

    @Test
    void bindConflictIsAOneLineError() throws Exception {
        try (NtpServer first = start(NtpServerConfig.builder(TimeSource.system()))) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> NtpServer.start(
                    NtpServerConfig.builder(TimeSource.system()).port(first.port()).build()));
            assertTrue(e.getMessage().startsWith("cannot serve NTP on 127.0.0.1:" + first.port()), e.getMessage());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertNotNull(first.localAddress());
        }
    }
}
