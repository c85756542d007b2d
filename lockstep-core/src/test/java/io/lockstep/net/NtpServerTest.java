package io.lockstep.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.lockstep.internal.ntp.NtpCodec;
import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.internal.ntp.NtpTimestamp;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

class NtpServerTest {

    private static NtpServer start(NtpServerConfig.Builder b) throws IOException {
        return NtpServer.start(b.port(0).build());
    }

    /** Sends raw bytes and returns the reply bytes, or null after {@code timeoutMs}. */
    private static byte[] query(InetSocketAddress server, byte[] request, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(server.getAddress() instanceof java.net.Inet6Address
                ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1"), 0))) {
            s.setSoTimeout(timeoutMs);
            s.send(new DatagramPacket(request, request.length, server));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return java.util.Arrays.copyOf(buf, p.getLength());
        }
    }

    private static byte[] request(int version, int mode, long transmitBits) {
        return NtpCodec.encode(new NtpPacket(0, version, mode, 0, 6, 0, io.lockstep.internal.ntp.NtpShort.ZERO,
                io.lockstep.internal.ntp.NtpShort.ZERO, 0, NtpTimestamp.ZERO, NtpTimestamp.ZERO, NtpTimestamp.ZERO,
                new NtpTimestamp(transmitBits)));
    }

    private static void awaitCounter(Supplier<Long> counter, long expected) throws InterruptedException {
        // A deadline on the count itself, generous for a busy machine; it ends as soon as the count is there.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (counter.get() < expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertEquals(expected, counter.get());
    }

    @Test
    void answersVersion4And3InTheRequestsVersionWithTimestampsInOrder() throws Exception {
        TimeSource clock = TimeSource.system();
        try (NtpServer server = start(NtpServerConfig.builder(clock))) {
            assertTrue(server.port() > 0);
            for (int version : new int[] {4, 3}) {
                long before = clock.wallNanos();
                byte[] reply = query(server.localAddress(), request(version, 3, 0x1234_5678_9ABC_DEF0L), 2000);
                long after = clock.wallNanos();
                assertNotNull(reply, "v" + version + " answered");
                assertEquals(48, reply.length);
                NtpPacket p = NtpCodec.decode(reply);
                assertEquals(version, p.version());
                assertEquals(NtpPacket.MODE_SERVER, p.mode());
                assertEquals(NtpServerConfig.DEFAULT_STRATUM, p.stratum());
                assertEquals(NtpServerConfig.LOCAL_REFERENCE_ID, p.referenceId());
                assertEquals(0, p.leapIndicator());
                assertEquals(6, p.poll(), "poll echoed");
                assertEquals(0x1234_5678_9ABC_DEF0L, p.originTimestamp().bits(), "origin = client's transmit");
                long rx = p.receiveTimestamp().toWallNanos(before);
                long tx = p.transmitTimestamp().toWallNanos(before);
                assertTrue(before <= rx && rx <= tx && tx <= after, "before<=rx<=tx<=after: " + before + " " + rx
                        + " " + tx + " " + after);
                long ref = p.referenceTimestamp().toWallNanos(before);
                assertTrue(ref <= rx && rx - ref < 17_000_000_000L, "reference time is recent");
                assertTrue(p.precision() <= -10 && p.precision() >= -32, "precision " + p.precision());
            }
            awaitCounter(() -> server.counters().answered(), 2);
        }
    }

    @Test
    void servesIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()).bindAddress(v6))) {
            byte[] reply = query(server.localAddress(), request(4, 3, 77), 2000);
            assertNotNull(reply);
            assertEquals(77, NtpCodec.decode(reply).originTimestamp().bits());
        }
    }

    @Test
    void configuredStratumAndRootValuesAreServed() throws Exception {
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()).stratum(1)
                .rootDispersionNanos(1_000_000).rootDelayNanos(2_000_000).precisionLog2(-20))) {
            NtpPacket p = NtpCodec.decode(query(server.localAddress(), request(4, 3, 5), 2000));
            assertEquals(1, p.stratum());
            assertEquals("LOCL", p.referenceIdText());
            assertEquals(-20, p.precision());
            assertTrue(Math.abs(p.rootDispersion().toNanos() - 1_000_000) < 16_000);
            assertTrue(Math.abs(p.rootDelay().toNanos() - 2_000_000) < 16_000);
        }
    }

    @Test
    void answersNothingButClientRequests() throws Exception {
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()))) {
            InetSocketAddress a = server.localAddress();
            // mode 6 control, mode 7 private, symmetric active, broadcast, server; version 2 and 5 clients
            int[][] cases = {{2, 6}, {4, 6}, {2, 7}, {4, 1}, {4, 5}, {4, 4}, {2, 3}, {5, 3}};
            for (int[] c : cases) {
                assertNull(query(a, request(c[0], c[1], 9), 100), "v" + c[0] + " mode " + c[1] + " is not answered");
            }
            awaitCounter(() -> server.counters().ignored(), cases.length);
            assertEquals(0, server.counters().answered());
        }
    }

    @Test
    void malformedDatagramsAreDroppedAndCounted() throws Exception {
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()))) {
            InetSocketAddress a = server.localAddress();
            assertNull(query(a, new byte[47], 100));
            assertNull(query(a, new byte[0], 100));
            byte[] badTrailer = java.util.Arrays.copyOf(request(4, 3, 1), 48 + 7);
            assertNull(query(a, badTrailer, 100));
            awaitCounter(() -> server.counters().droppedMalformed(), 3);
            // Still serving afterwards.
            assertNotNull(query(a, request(4, 3, 1), 2000));
        }
    }

    @Test
    void replyIsNeverLargerThanTheRequest() throws Exception {
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()))) {
            byte[] withMac = java.util.Arrays.copyOf(request(4, 3, 3), 48 + 20);
            byte[] reply = query(server.localAddress(), withMac, 2000);
            assertNotNull(reply);
            assertEquals(48, reply.length);
        }
    }

    @Test
    void floodGetsOneRateKissThenSilence() throws Exception {
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system())
                .rateLimit(NtpRateLimit.of(0.5, 3)));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            s.setSoTimeout(150);
            int answered = 0;
            int kisses = 0;
            int silent = 0;
            for (int i = 0; i < 10; i++) {
                byte[] req = request(4, 3, 1000 + i);
                s.send(new DatagramPacket(req, req.length, server.localAddress()));
                byte[] buf = new byte[100];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    silent++;
                    continue;
                }
                NtpPacket reply = NtpCodec.decode(java.nio.ByteBuffer.wrap(buf, 0, p.getLength()));
                assertEquals(1000 + i, reply.originTimestamp().bits());
                if (reply.isKissOfDeath()) {
                    assertEquals("RATE", reply.kissCode());
                    assertEquals(NtpPacket.LEAP_UNSYNCHRONIZED, reply.leapIndicator());
                    assertEquals(1000 + i, reply.transmitTimestamp().bits(), "a kiss carries no time");
                    kisses++;
                } else {
                    answered++;
                }
            }
            assertEquals(3, answered);
            assertEquals(1, kisses);
            assertEquals(6, silent);
            NtpServerCounters c = server.counters();
            assertEquals(3, c.answered());
            assertEquals(7, c.rateLimited());
            assertEquals(1, c.kissesSent());
        }
    }

    @Test
    void servesASimulatedClockAhead() throws Exception {
        TimeSource system = TimeSource.system();
        SimulatedTimeSource ahead = new SimulatedTimeSource(system, 2_500_000, 0);
        try (NtpServer server = start(NtpServerConfig.builder(ahead))) {
            long before = system.wallNanos();
            NtpPacket p = NtpCodec.decode(query(server.localAddress(), request(4, 3, 1), 2000));
            long after = system.wallNanos();
            long rx = p.receiveTimestamp().toWallNanos(before);
            assertTrue(rx >= before + 2_500_000 && rx <= after + 2_500_000);
        }
    }

    @Test
    void bindFailureIsAOneLineError() throws Exception {
        try (NtpServer first = start(NtpServerConfig.builder(TimeSource.system()))) {
            IOException e = assertThrows(IOException.class, () -> NtpServer.start(
                    NtpServerConfig.builder(TimeSource.system()).port(first.port()).build()));
            assertTrue(e.getMessage().startsWith("cannot serve NTP on 127.0.0.1:" + first.port()), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        }
    }

    @Test
    void severalThreadsAndBusyPollingServeToo() throws Exception {
        for (NtpServerConfig.Builder b : List.of(NtpServerConfig.builder(TimeSource.system()).threads(3),
                NtpServerConfig.builder(TimeSource.system()).busyPoll(true))) {
            try (NtpServer server = start(b)) {
                for (int i = 0; i < 5; i++) {
                    byte[] reply = query(server.localAddress(), request(4, 3, 40 + i), 2000);
                    assertNotNull(reply);
                    assertEquals(40 + i, NtpCodec.decode(reply).originTimestamp().bits());
                }
                awaitCounter(() -> server.counters().answered(), 5);
            }
        }
    }

    @Test
    void randomDatagramsAreAllAccountedForAndServingGoesOn() throws Exception {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int n = 3000;
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()).rateLimit(NtpRateLimit.OFF));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            Supplier<Long> accounted = () -> {
                NtpServerCounters c = server.counters();
                return c.answered() + c.droppedMalformed() + c.ignored();
            };
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(120) : 48 + 4 * r.nextInt(8)];
                r.nextBytes(b);
                s.send(new DatagramPacket(b, b.length, server.localAddress()));
                if (i % 100 == 99) {
                    // Pace: let the server catch up so the kernel's socket buffer never overflows.
                    long paceDeadline = System.nanoTime() + 60_000_000_000L;
                    while (accounted.get() < i + 1 && System.nanoTime() - paceDeadline < 0) {
                        Thread.sleep(2);
                    }
                }
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (accounted.get() < n && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            NtpServerCounters c = server.counters();
            assertEquals(n, accounted.get(), c.toString());
            assertTrue(c.droppedMalformed() > 0 && c.ignored() > 0 && c.answered() > 0, c.toString());
            assertNotNull(query(server.localAddress(), request(4, 3, 1), 2000), "still serving");
        }
    }

    @Test
    void withoutATransportAutoFallsBackToUserStampsAndKernelRefusesToStart() throws Exception {
        // lockstep-core's own tests have no DatagramTransport provider on the path (lockstep-linux
        // depends on core, not the other way round): the portable path must serve alone.
        try (NtpServer server = start(NtpServerConfig.builder(TimeSource.system()))) {
            assertEquals(ReceiveTimestamps.USER, server.receiveTimestamps());
            assertTrue(server.userStampsReason().contains("no kernel-timestamp transport"), server.userStampsReason());
            assertNotNull(query(server.localAddress(), request(4, 3, 9), 2000));
        }
        IOException e = assertThrows(IOException.class, () -> start(NtpServerConfig.builder(TimeSource.system())
                .receiveTimestamps(ReceiveTimestamps.KERNEL)));
        assertTrue(e.getMessage().startsWith("cannot serve NTP on 127.0.0.1:0 with kernel receive timestamps: "),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void configRejectsBadValues() {
        assertThrows(IllegalArgumentException.class,
                () -> NtpServerConfig.builder(TimeSource.system()).stratum(16).build());
        assertThrows(IllegalArgumentException.class,
                () -> NtpServerConfig.builder(TimeSource.system()).port(70000).build());
    }
}
