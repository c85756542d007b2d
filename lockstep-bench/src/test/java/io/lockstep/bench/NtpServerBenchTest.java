package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void badArgumentsPrintUsageAndExit2() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = NtpServerBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "--rounds", "zero");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, code);
        assertTrue(out.startsWith("lockstep bench ntp-server: --rounds needs a whole number"), out);
        assertTrue(out.contains("usage: lockstep bench ntp-server"), out);
    }

    @Test
    void aShortRunPrintsTheTable() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = NtpServerBench.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "--duration", "300ms",
                "--rounds", "1", "--window", "8");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("replies/s") && out.lines().anyMatch(l -> l.startsWith("lockstep ")), out);
    }
}
