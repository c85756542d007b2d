package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.lockstep.ntp.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.time.TimeSource;

class NtpServerBenchTest {

    @Test
    void generatorCountsEveryReplyOfOurServer() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.OFF).warmUp(false).build())) {
            NtpLoadResult r = new NtpLoadGenerator(8).run(server.localAddress(), 50_000_000L, 300_000_000L);
            assertTrue(r.answered() > 100, r.toString());
            assertEquals(0, r.lost(), r.toString());
            assertTrue(r.p50LatencyNanos() > 0 && r.p99LatencyNanos() >= r.p50LatencyNanos(), r.toString());
            assertTrue(r.answeredPerSecond() > 0);
        }
    }

    @Test
    void theDefaultRateLimitWouldStopTheGenerator() throws Exception {
        // Why the bench turns our limit off: one generator is one client, and a flood.
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .warmUp(false).build())) {
            NtpLoadResult r = new NtpLoadGenerator(8).run(server.localAddress(), 0, 300_000_000L);
            assertTrue(server.counters().rateLimited() > 0, server.counters().toString());
            assertTrue(r.answered() <= NtpRateLimit.DEFAULT.burst() + 32, r.toString());
        }
    }

    @Test
    void optionsOutOfRangeAreRefusedWithTheOptionsName() {
        NtpServerBench.Options d = NtpServerBench.Options.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NtpServerBench.Options(
                d.durationNanos(), 0, d.window(), d.serverThreads(), d.generatorThreads(), false, false, false,
                d.accuracyNanos()));
        assertEquals("--rounds 0 is out of range 1-20", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NtpServerBench.Options(50_000_000L, 1, 8, 1, 1,
                false, false, false, d.accuracyNanos()));
        assertEquals("--duration must be at least 100ms", e.getMessage());
    }

    @Test
    void severalGeneratorThreadsAddUp() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.OFF).warmUp(false).build())) {
            NtpLoadResult r = new NtpLoadGenerator(4, 3, true).run(server.localAddress(), 0, 300_000_000L);
            assertTrue(r.answered() > 100 && r.sent() >= r.answered() + r.lost(), r.toString());
            // A thread descheduled past the 200 ms reply timeout on a busy machine counts a few lost.
            assertTrue(r.lost() <= r.sent() / 20, r.toString());
            assertTrue(r.generatorCpuNanos() > 0, r.toString());
        }
    }

    @Test
    void aShortRunPrintsTheTable() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = NtpServerBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8),
                new NtpServerBench.Options(300_000_000L, 1, 8, 1, 2, false, false, false, 60_000_000_000L));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("replies/s") && out.lines().anyMatch(l -> l.startsWith("| Lockstep ")), out);
        assertTrue(out.contains("server CPU") && out.lines().anyMatch(l -> l.startsWith("lockstep: server CPU")), out);
    }
}
