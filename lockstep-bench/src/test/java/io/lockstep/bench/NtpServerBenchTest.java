package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.ReceiveTimestamps;
import io.lockstep.time.TimeSource;

class NtpServerBenchTest {

    @Test
    void generatorCountsEveryReplyOfOurServer() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.OFF).warmUp(false).build())) {
            NtpLoadResult r = new NtpLoadGenerator(8).run(server.localAddress(), 50_000_000L, 300_000_000L);
            // How many and how fast are the bench's numbers, and a busy machine's: a generator
            // descheduled past its 200 ms reply timeout counts replies lost that did come. What
            // must hold on any machine is that the counts add up.
            assertTrue(r.answered() > 0, r.toString());
            assertCountsAddUp(r, 8);
            assertTrue(server.counters().answered() >= r.answered(),
                    "never more replies counted than the server sent: " + r + " vs " + server.counters());
            assertTrue(r.p50LatencyNanos() > 0 && r.p99LatencyNanos() >= r.p50LatencyNanos(), r.toString());
            assertTrue(r.answeredPerSecond() > 0);
        }
    }

    @Test
    void theDefaultRateLimitWouldStopTheGenerator() throws Exception {
        // Why the bench turns our limit off: one generator is one client, and a flood.
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .warmUp(false).build())) {
            // Runs until the limit bites (a slow machine may need more than one run to exceed the
            // burst); every run together gets no more than the burst plus what the rate refills.
            NtpLoadGenerator generator = new NtpLoadGenerator(8);
            long startMono = System.nanoTime();
            long deadlineMono = startMono + 60_000_000_000L;
            long answered = 0;
            do {
                answered += generator.run(server.localAddress(), 0, 300_000_000L).answered();
            } while (server.counters().rateLimited() == 0 && System.nanoTime() - deadlineMono < 0);
            double elapsedSeconds = (System.nanoTime() - startMono) / 1e9;
            assertTrue(server.counters().rateLimited() > 0, server.counters().toString());
            assertTrue(answered <= NtpRateLimit.DEFAULT.burst() + 32 * (elapsedSeconds + 1),
                    answered + " answered in " + elapsedSeconds + " s; " + server.counters());
        }
    }

    @Test
    void optionsOutOfRangeAreRefusedWithTheOptionsName() {
        NtpServerBench.Options d = NtpServerBench.Options.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NtpServerBench.Options(
                d.durationNanos(), 0, d.window(), d.serverThreads(), d.generatorThreads(), false, false,
                ReceiveTimestamps.AUTO, false, d.accuracyNanos()));
        assertEquals("--rounds 0 is out of range 1-20", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NtpServerBench.Options(50_000_000L, 1, 8, 1, 1,
                false, false, ReceiveTimestamps.AUTO, false, d.accuracyNanos()));
        assertEquals("--duration must be at least 100ms", e.getMessage());
    }

    @Test
    void severalGeneratorThreadsAddUp() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.OFF).warmUp(false).build())) {
            NtpLoadResult r = new NtpLoadGenerator(4, 3, true).run(server.localAddress(), 0, 300_000_000L);
            // Each of the 3 threads answered some and the sums add up; how many were lost is the
            // machine's (a thread descheduled past the 200 ms reply timeout counts replies lost).
            assertTrue(r.answered() > 0, r.toString());
            assertCountsAddUp(r, 3 * 4);
            assertTrue(server.counters().answered() >= r.answered(), r + " vs " + server.counters());
            assertTrue(r.generatorCpuNanos() > 0, r.toString());
        }
    }

    /**
     * Every request sent is answered, lost, or still in flight when the run ended, and at most
     * {@code window} per thread are in flight.
     */
    private static void assertCountsAddUp(NtpLoadResult r, long windowTotal) {
        long inFlight = r.sent() - r.answered() - r.lost();
        assertTrue(inFlight >= 0 && inFlight <= windowTotal, "sent = answered + lost + in flight: " + r);
    }

    @Test
    void aShortRunPrintsTheTable() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = NtpServerBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8),
                new NtpServerBench.Options(300_000_000L, 1, 8, 1, 2, false, false, ReceiveTimestamps.AUTO, false,
                        60_000_000_000L));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("replies/s") && out.lines().anyMatch(l -> l.startsWith("| Lockstep ")), out);
        assertTrue(out.contains("server CPU") && out.lines().anyMatch(l -> l.startsWith("lockstep: server CPU")), out);
    }

    @Test
    void chronydMeasurementsAreReadWithLockstepsSignAndOnlyUsedOnesWhenAsked(@org.junit.jupiter.api.io.TempDir
                                                                               java.nio.file.Path dir) throws Exception {
        java.nio.file.Path log = dir.resolve("measurements.log");
        java.nio.file.Files.write(log, java.util.List.of(
                "=====================================",
                "   Date (UTC) Time     IP Address   L St 123 567 ABCD  LP RP Score    Offset  Peer del. Peer disp.",
                "=====================================",
                // chronyd: +1.5 µs = the local clock is slow, i.e. local − server = −1.5 µs.
                "2026-11-30 09:14:14 127.0.0.1       N 10 111 111 1111  -2  0 1.00  1.500e-06  2.400e-05  9.2e-06"
                        + "  0.0e+00  0.0e+00 7F7F0101 4B K K",
                "2026-11-30 09:14:15 127.0.0.1       N 10 111 111 1101  -2 -2 0.81 -3.000e-06  9.000e-05  1.3e-06"
                        + "  0.0e+00  0.0e+00 7F7F0101 4B K K"));
        java.util.List<double[]> used = NtpServerBench.measurements(log, true);
        assertEquals(1, used.size());
        assertEquals(-1.5, used.get(0)[0], 1e-9);
        assertEquals(24.0, used.get(0)[1], 1e-9);
        assertEquals(2, NtpServerBench.measurements(log, false).size());
        assertEquals(3.0, NtpServerBench.measurements(log, false).get(1)[0], 1e-9);
    }
}
