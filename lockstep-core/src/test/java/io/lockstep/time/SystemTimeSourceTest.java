package io.lockstep.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SystemTimeSourceTest {

    /** A fake OS: a wall clock that can be stepped and a monotonic clock moved by hand. */
    private final AtomicLong osWall = new AtomicLong(1_700_000_000_000_000_000L);
    private final AtomicLong osMono = new AtomicLong(5_000_000_000L);

    private SystemTimeSource source() {
        // The OS wall clock here is only microsecond-granular, like Instant.now() on some platforms.
        return new SystemTimeSource(() -> osWall.get() / 1_000 * 1_000, osMono::get, 100_000_000L, 50_000L);
    }

    private void advance(long nanos) {
        osWall.addAndGet(nanos);
        osMono.addAndGet(nanos);
    }

    @Test
    void interpolatesBelowTheWallClockGranularity() {
        SystemTimeSource s = source();
        long w0 = s.wallNanos();
        advance(123);
        assertEquals(123, s.wallNanos() - w0, "nanoTime deltas give ns steps although the OS clock is µs-granular");
    }

    @Test
    void reanchorsWhenTheWallClockSteps() {
        SystemTimeSource s = source();
        long before = s.wallNanos();
        osWall.addAndGet(5_000_000_000L); // an administrator sets the clock 5 s ahead
        advance(10_000_000L);             // before the next check: still the old timeline
        assertEquals(before + 10_000_000L, s.wallNanos());
        advance(100_000_000L);            // past the check interval: the step is seen
        long after = s.wallNanos();
        assertEquals(before + 5_110_000_000L, after, 1_000, "step visible within one check interval");
        assertEquals(1, s.reanchorCount());
    }

    @Test
    void statesItsUncertaintyFromTheAnchorAndTheThreshold() {
        // Brackets take no time on the fake clocks; the OS clock is µs-granular: 1 µs + 50 µs.
        assertEquals(51_000L, source().wallUncertaintyNanos());
        assertEquals(0L, new VirtualTimeSource().wallUncertaintyNanos());
    }

    @Test
    void reanchorsOnABackwardStepToo() {
        SystemTimeSource s = source();
        long before = s.wallNanos();
        osWall.addAndGet(-60_000_000_000L);
        advance(200_000_000L);
        assertEquals(before - 60_000_000_000L + 200_000_000L, s.wallNanos(), 1_000);
    }

    @Test
    void absorbsSmallSlewWithoutReanchoring() {
        SystemTimeSource s = source();
        osWall.addAndGet(20_000L); // 20 µs slew: below the 50 µs threshold
        advance(200_000_000L);
        s.wallNanos();
        assertEquals(0, s.reanchorCount());
    }

    @Test
    void realSystemSourceIsSubMicrosecondAndTracksTheOsClock() {
        TimeSource s = TimeSource.system();
        // Consecutive reads: the smallest non-zero step is far below 1 µs.
        long minStep = Long.MAX_VALUE;
        long prev = s.wallNanos();
        for (int i = 0; i < 10_000; i++) {
            long now = s.wallNanos();
            if (now != prev) {
                minStep = Math.min(minStep, Math.abs(now - prev));
            }
            prev = now;
        }
        assertTrue(minStep < 1_000, "granularity " + minStep + " ns");
        // Bracketed by OS readings on either side, so a stall between the reads cannot fail it.
        long osBefore = java.time.Instant.now().toEpochMilli() * 1_000_000L;
        long wall = s.wallNanos();
        long osAfter = java.time.Instant.now().toEpochMilli() * 1_000_000L + 1_000_000L;
        assertTrue(wall >= osBefore - 50_000_000L && wall <= osAfter + 50_000_000L,
                "agrees with the OS wall clock: " + osBefore + " <= " + wall + " <= " + osAfter);
    }
}
