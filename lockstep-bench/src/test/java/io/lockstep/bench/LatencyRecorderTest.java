package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void percentilesCoverEveryLatencyOfALongRound() {
        // An 8 s round at 500,000 replies/s is 4 million latencies. Here the first 1.5 million
        // are fast (100 us) and the rest slow (2 ms): the round's median is slow, and a recorder
        // that kept only the start of the round would call it fast.
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 1_500_000; i++) {
            r.add(100_000);
        }
        for (int i = 0; i < 2_500_000; i++) {
            r.add(2_000_000);
        }
        assertEquals(2_000_000, r.percentileNanos(0.50), 2_000_000 * 0.002);
        assertEquals(2_000_000, r.percentileNanos(0.99), 2_000_000 * 0.002);
        assertEquals(100_000, r.percentileNanos(0.30), 100_000 * 0.002);
        assertEquals(4_000_000, r.count());
    }

    @Test
    void percentilesOfASpreadAreWithinTheStatedResolution() {
        // 1..1,000,000 us: the q percentile is q * 1 s, to the recorder's 0.1 % resolution.
        LatencyRecorder r = new LatencyRecorder();
        for (long us = 1_000_000; us >= 1; us--) {
            r.add(us * 1_000);
        }
        for (double q : new double[] {0.01, 0.5, 0.9, 0.99, 0.999}) {
            double expected = q * 1e9;
            long got = r.percentileNanos(q);
            assertTrue(Math.abs(got - expected) <= expected * 0.001 + 1_000, q + ": " + got);
        }
    }

    @Test
    void emptyAndTinyLatencies() {
        LatencyRecorder r = new LatencyRecorder();
        assertEquals(0, r.percentileNanos(0.5));
        r.add(0);
        r.add(7);
        r.add(1_000);
        assertEquals(7, r.percentileNanos(0.5));
        assertEquals(0, r.percentileNanos(0.0));
        assertEquals(1_000, r.percentileNanos(1.0));
    }
}
