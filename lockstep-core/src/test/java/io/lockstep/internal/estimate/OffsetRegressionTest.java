package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class OffsetRegressionTest {

    @Test
    void exactLineIsRecovered() {
        int n = 100;
        long[] x = new long[n];
        long[] y = new long[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1_000_000_000_000L + i * 1_000_000_000L;
            y[i] = 5_000_000 + Math.round(20e-6 * i * 1e9);
            w[i] = 1.0 / (1000.0 * 1000.0);
        }
        LineFit fit = OffsetRegression.fit(x, y, w, 0, n);
        assertEquals(20.0, fit.slopePpm(), 1e-6);
        assertEquals(5_000_000.0, fit.offsetAt(x[0]), 1.0);
        // Perfect data: the a priori 1 µs per sample is all the uncertainty there is.
        assertEquals(100.0, fit.offsetSigmaNanos(), 1.0);
    }

    @Test
    void uncertaintiesCoverTheTruthMostOfTheTime() {
        SplittableRandom random = new SplittableRandom(4);
        int inside = 0;
        int trials = 200;
        for (int t = 0; t < trials; t++) {
            int n = 60;
            long[] x = new long[n];
            long[] y = new long[n];
            double[] w = new double[n];
            Arrays.fill(w, 1.0 / (50_000.0 * 50_000.0));
            for (int i = 0; i < n; i++) {
                x[i] = i * 1_000_000_000L;
                y[i] = Math.round(-7e-6 * x[i] + 50_000 * random.nextGaussian());
            }
            LineFit fit = OffsetRegression.fit(x, y, w, 0, n);
            if (Math.abs(fit.slopePpm() + 7) <= 2 * fit.slopeSigmaPpm()) {
                inside++;
            }
        }
        // Two sigma cover 95 %; allow generous slack for 200 trials.
        assertTrue(inside >= 180, "inside " + inside);
    }

    @Test
    void robustFitIgnoresWildPoints() {
        int n = 200;
        long[] x = new long[n];
        long[] y = new long[n];
        double[] w = new double[n];
        SplittableRandom random = new SplittableRandom(9);
        Arrays.fill(w, 1e-8);
        for (int i = 0; i < n; i++) {
            x[i] = i * 1_000_000_000L;
            y[i] = Math.round(3e-6 * x[i] + 1000 * random.nextGaussian());
            if (i % 10 == 0) {
                y[i] += 5_000_000;
            }
        }
        LineFit plain = OffsetRegression.fit(x, y, w, 0, n);
        LineFit robust = OffsetRegression.fitRobust(x, y, w, 0, n);
        assertTrue(Math.abs(plain.offsetAt(x[100]) - 3e-6 * x[100]) > 400_000);
        assertEquals(3e-6 * x[100], robust.offsetAt(x[100]), 5_000);
        assertEquals(3.0, robust.slopePpm(), 0.05);
    }
}
