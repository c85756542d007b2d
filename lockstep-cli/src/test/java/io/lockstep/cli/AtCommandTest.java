package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep at}: bad input, refusals, the command's exit code, and the end-to-end promise
 * against a reference that reads 3.7 s ahead of this host (an in-process NTP server on a
 * simulated clock, as {@code serve --simulate-offset 3.7s}): {@code touch FILE} starts within the
 * stated bound of the reference instant, checked on the file's own time stamp.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AtCommandTest {

    private static final long MS = 1_000_000L;
    private static final long SIMULATED_OFFSET_NANOS = 3_700_000_000L;
    /**
     * Linux stamps files from its coarse clock, which ticks every 1–10 ms (CONFIG_HZ; 4 ms on the
     * machine this was written on), so a file's time may read up to one tick before the instant
     * the file was really touched.
     */
    private static final long FILE_CLOCK_TICK_NANOS = 10 * MS;
    /**
     * Between {@code ProcessBuilder.start()} returning (the program is exec'd) and {@code touch}
     * creating its file the program still has to load and run: a millisecond on an idle machine;
     * generous here because tests share the machine with builds.
     */
    private static final long TOUCH_RUN_ALLOWANCE_NANOS = 200 * MS;

    @TempDir
    Path dir;

    @Test
    void badTimesAndLimitsAreBadInput() {
        MainTest.Result r = MainTest.run("at", "tomorrow", "--", "true");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "not an ISO-8601 instant");
        r = MainTest.run("at", "next:0s", "--", "true");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "must be positive");
        r = MainTest.run("at", "+1s", "--max-bound", "0", "--", "true");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "--max-bound must be positive");
        r = MainTest.run("at", "+1s");
        assertEquals(2, r.code(), r.err());
    }

    @Test
    void timesAreReadAsWritten() {
        long s = 1_000_000_000L;
        long now = 1_764_500_000_123_000_000L;
        assertEquals(1_764_504_010_000_000_000L, AtCommand.When.parse("2025-11-30T12:00:10Z").instantNanos(now));
        assertEquals(1_764_504_010_000_000_000L, AtCommand.When.parse("2025-11-30T13:00:10+01:00").instantNanos(now));
        assertEquals(now + 5 * s, AtCommand.When.parse("+5s").instantNanos(now));
        assertEquals(1_764_500_010_000_000_000L, AtCommand.When.parse("next:10s").instantNanos(now));
        // Closer than 10 ms to the next multiple: the one after.
        long justBefore = 1_764_500_009_995_000_000L;
        assertEquals(1_764_500_020_000_000_000L, AtCommand.When.parse("next:10s").instantNanos(justBefore));
        assertEquals(1_764_500_000_500_000_000L, AtCommand.When.parse("next:500ms").instantNanos(now));
    }

    @Test
    void aPastInstantIsRefusedAndNothingRuns() {
        Path file = dir.resolve("never");
        MainTest.Result r = MainTest.run("at", "2020-01-01T00:00:00Z", "--", "touch", file.toString());
        assertEquals(1, r.code(), r.err());
        MainTest.assertOneLineError(r, "refused: the instant is");
        assertTrue(r.err().contains("in the past"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(file));
    }

    @Test
    void theCommandsExitCodeIsReturned() {
        MainTest.Result r = MainTest.run("at", "+200ms", "--", "sh", "-c", "exit 3");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().contains("process start latency") && r.out().contains("costs milliseconds"), r.out());
        MainTest.Result missing = MainTest.run("at", "+200ms", "--", dir.resolve("no-such-program").toString());
        assertEquals(2, missing.code(), missing.err());
        MainTest.assertOneLineError(missing, "no such program");
        MainTest.Result notOnPath = MainTest.run("at", "+200ms", "--", "no-such-program-xyz");
        assertEquals(2, notOnPath.code(), notOnPath.err());
        MainTest.assertOneLineError(notOnPath, "no such program on PATH: no-such-program-xyz");
    }

    @Test
    void touchStartsWithinTheStatedBoundOfTheReferenceInstant() throws Exception {
        SimulatedTimeSource served = new SimulatedTimeSource(TimeSource.system(), SIMULATED_OFFSET_NANOS, 0);
        Path file = dir.resolve("touched");
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(served).port(0).build())) {
            MainTest.Result r = MainTest.run("at", "next:2s", "--reference", "ntp://127.0.0.1:" + server.port(),
                    "--json", "--", "touch", file.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("tracking ntp://127.0.0.1:" + server.port()), r.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(r.out().trim());
            long instant = (Long) m.get("instant_ns");
            assertEquals(0, Math.floorMod(instant, 2_000_000_000L), "a multiple of 2 s of the reference clock");
            long firedLocal = (Long) m.get("local_wall_ns");
            long firedReference = (Long) m.get("fired_reference_ns");
            long bound = (Long) m.get("error_bound_ns");
            long startedLocal = (Long) m.get("started_local_ns");
            long startedReference = (Long) m.get("started_reference_ns");
            long startedBound = (Long) m.get("started_error_bound_ns");
            long latency = (Long) m.get("start_latency_ns");
            assertEquals(0L, m.get("exit_code"));
            assertTrue(bound > 0 && bound <= 5 * MS, "bound within the default --max-bound: " + bound);

            // The reference is this host's clock + 3.7 s, so the truth of each reported reference
            // time is the host time it was read at, plus 3.7 s: it lies within the stated bound.
            assertTrue(Math.abs(firedLocal + SIMULATED_OFFSET_NANOS - firedReference) <= bound,
                    "fired: truth " + (firedLocal + SIMULATED_OFFSET_NANOS) + " vs " + firedReference + " ± " + bound);
            assertTrue(Math.abs(startedLocal + SIMULATED_OFFSET_NANOS - startedReference) <= startedBound,
                    "started: truth " + (startedLocal + SIMULATED_OFFSET_NANOS) + " vs " + startedReference);
            assertEquals(startedReference - instant, latency);

            // The file: touched no earlier than the instant (less the bound and one tick of the
            // file clock), and no later than the stated start latency allows, plus touch's own run.
            long hostInstant = instant - SIMULATED_OFFSET_NANOS;
            FileTime mtime = Files.getLastModifiedTime(file);
            Instant t = mtime.toInstant();
            long fileNanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
            long early = hostInstant - fileNanos;
            long late = fileNanos - hostInstant;
            System.out.printf("at next:2s: fired %.1f us after the instant ± %.1f us; process start latency %.3f ms; "
                    + "file stamped %.3f ms after the instant (host time)%n",
                    (firedReference - instant) / 1e3, bound / 1e3, latency / 1e6, late / 1e6);
            assertTrue(early <= bound + FILE_CLOCK_TICK_NANOS, "file stamped " + early + " ns before the instant");
            assertTrue(late <= startedBound + latency + TOUCH_RUN_ALLOWANCE_NANOS,
                    "file stamped " + late + " ns after the instant; stated start latency " + latency);
        }
    }
}
