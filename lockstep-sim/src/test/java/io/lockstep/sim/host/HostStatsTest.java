package io.lockstep.sim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HostStats against this machine's own /proc: real readings for this JVM and the host, -1 or null for what is missing. */
class HostStatsTest {

    /** A pid Linux never hands out (above its pid_max limit of 2^22), so its /proc entries are missing. */
    private static final long NO_SUCH_PID = (1L << 22) + 7;

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    }

    @Test
    void readsThisJvmsOwnProcess() {
        long pid = ProcessHandle.current().pid();
        assertTrue(HostStats.rssBytes(pid) > 1 << 20, "RSS " + HostStats.rssBytes(pid));
        assertTrue(HostStats.threads(pid) >= 1, "threads " + HostStats.threads(pid));
        assertTrue(HostStats.descriptors(pid) >= 3, "descriptors " + HostStats.descriptors(pid));
        assertTrue(HostStats.cpuNanos(pid) >= 0, "CPU " + HostStats.cpuNanos(pid));
    }

    @Test
    void aProcessThatIsGoneReadsAsMinusOne() {
        assertEquals(-1, HostStats.rssBytes(NO_SUCH_PID));
        assertEquals(-1, HostStats.threads(NO_SUCH_PID));
        assertEquals(-1, HostStats.descriptors(NO_SUCH_PID));
        assertEquals(-1, HostStats.cpuNanos(NO_SUCH_PID));
    }

    @Test
    void readsTheMachine() {
        String averages = HostStats.loadAverages("unknown");
        assertTrue(averages.matches("\\d+\\.\\d+ \\d+\\.\\d+ \\d+\\.\\d+"), averages);
        assertEquals(averages.substring(0, averages.indexOf(' ')), HostStats.loadOneMinute("unknown"));
        assertTrue(HostStats.loadOneMinute() >= 0, "load " + HostStats.loadOneMinute());
        assertTrue(HostStats.totalRamBytes() > 16L << 20, "RAM " + HostStats.totalRamBytes());
    }

    @Test
    void findsABoundUdpSocketsQueue() throws Exception {
        // An IPv4 socket: Java's default dual-stack one is listed in /proc/net/udp6 instead.
        try (DatagramChannel socket = DatagramChannel.open(StandardProtocolFamily.INET)) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            HostStats.UdpQueue q = HostStats.udpQueue((InetSocketAddress) socket.getLocalAddress());
            assertNotNull(q, "socket not listed in /proc/net/udp");
            assertTrue(q.rxQueueBytes() >= 0 && q.drops() >= 0, q.toString());
        }
        assertNull(HostStats.udpQueue(new InetSocketAddress("::1", 123)));
    }
}
