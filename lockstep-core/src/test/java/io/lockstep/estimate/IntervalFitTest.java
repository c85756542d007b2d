package io.lockstep.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntervalFitTest {

    private static final long S = SyntheticStream.S;

    @Test
    void fastExchangesPinTheLineMuchTighterThanTheirRoundTrips() {
        // 1 ms one-way base, heavy exponential queueing of 2 ms mean, 1 ns stamps.
        SyntheticStream stream = new SyntheticStream(5, -50_000_000, 12, 1_000_000, 2_000_000, 1);
        int n = 600;
        long[] x = new long[n];
        long[] lo = new long[n];
        long[] hi = new long[n];
        for (int i = 0; i < n; i++) {
            TimeSample s = stream.sample(i);
            x[i] = s.localMidNanos();
            lo[i] = s.minOffsetNanos();
            hi[i] = s.maxOffsetNanos();
        }
        long anchor = x[n / 2];
        IntervalFit.Result r = IntervalFit.fit(x, lo, hi, 0, n, anchor, 0);
        assertTrue(r.slackNanos() >= 0);
        // A remote 12 ppm fast makes local − remote fall: the line's slope is −12 ppm.
        assertEquals(-12.0, r.slopePpm(), 0.05);
        // Each interval is at least 2 ms wide; the line lands within 50 µs of the truth.
        assertEquals(stream.trueOffsetAt(anchor), r.offsetNanos(), 50_000);
    }

    @Test
    void contradictoryIntervalsHaveNegativeSlack() {
        long[] x = {0, S, 2 * S};
        long[] lo = {0, 10_000_000, 0};
        long[] hi = {1_000, 10_001_000, 1_000};
        assertTrue(IntervalFit.fit(x, lo, hi, 0, 3, S, 0).slackNanos() < 0);
    }
}
