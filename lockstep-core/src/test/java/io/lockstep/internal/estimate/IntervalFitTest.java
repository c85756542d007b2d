package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.TimeSample;

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

    @Test
    void theSlopeRangeHoldsTheTrueSlopeAndClosesAsTheSpanGrows() {
        // Intervals 20 µs wide around a line falling 10 ppm, over 10 s and then over 100 s.
        double[] widths = new double[2];
        for (int k = 0; k < 2; k++) {
            int n = 11;
            long step = (k == 0 ? 1 : 10) * S;
            long[] x = new long[n];
            long[] lo = new long[n];
            long[] hi = new long[n];
            for (int i = 0; i < n; i++) {
                x[i] = i * step;
                long truth = Math.round(-10e-6 * x[i]);
                lo[i] = truth - 10_000;
                hi[i] = truth + 10_000;
            }
            double[] range = IntervalFit.slopeRangePpm(x, lo, hi, 0, 0, n, 0);
            assertTrue(range[0] <= -10 && -10 <= range[1], range[0] + ".." + range[1]);
            widths[k] = range[1] - range[0];
        }
        // 20 µs of play at both ends of 10 s is 4 ppm; of 100 s, 0.4 ppm.
        assertEquals(4.0, widths[0], 0.01);
        assertEquals(0.4, widths[1], 0.001);
    }
}
