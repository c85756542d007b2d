package io.lockstep.neon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The event method's estimate on synthetic events whose truth is known. */
class EventEstimatorTest {

    private static final long MS = 1_000_000L;

    /**
     * Events whose phone stamps at an asymmetric place inside each request (late: after most of
     * the processing), with the phone's clock truncated to 1 ms.
     */
    private static List<EventEstimator.StampedEvent> events(long trueOffsetNanos, long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<EventEstimator.StampedEvent> out = new ArrayList<>();
        long t = 1_796_000_000_000_000_000L;
        for (int i = 0; i < n; i++) {
            t += r.nextLong(2 * MS, 5 * MS);
            long toPhone = r.nextLong(200_000L, 3 * MS);
            long processing = r.nextLong(500_000L, 4 * MS);
            long back = r.nextLong(200_000L, 2 * MS);
            long stampLocal = t + toPhone + processing;
            long stamp = Math.floorDiv(stampLocal - trueOffsetNanos, MS) * MS;
            out.add(new EventEstimator.StampedEvent(t, stamp, stampLocal + back));
        }
        return out;
    }

    @Test
    void theBoundHoldsWhereverInTheRequestThePhoneStamps() {
        for (long seed = 1; seed <= 200; seed++) {
            long truth = -42 * MS - seed * 7_919L;
            EventEstimator.Result r = new EventEstimator(0).estimate("neon://x", events(truth, seed, 50), 0, MS);
            assertTrue(r.estimate().contains(truth), "seed " + seed + ": " + r.estimate() + " truth " + truth);
            assertEquals("interval-intersection", r.estimate().method());
        }
    }

    @Test
    void theSeedAssumesTheMiddleAndIsBiasedByLateStamping() {
        long truth = -42 * MS;
        EventEstimator.Result r = new EventEstimator(0).estimate("neon://x", events(truth, 7, 50), 0, MS);
        // Stamps come late in each request, so midpoint − stamp underestimates the offset by
        // about half the processing asymmetry; the bounded estimate does not depend on it.
        assertTrue(r.seedOffsetNanos() < truth, "seed " + r.seedOffsetNanos());
        assertTrue(r.estimate().contains(truth));
        assertEquals(50, r.estimate().samples());
        assertEquals(r.estimate().offsetMs().median() * MS, (double) r.seedOffsetNanos(), 1.0);
    }
}
