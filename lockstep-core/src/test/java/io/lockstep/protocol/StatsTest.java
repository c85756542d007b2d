package io.lockstep.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void matchesPythonStatistics() {
        // statistics.mean/stdev/median([1, 2, 2, 3, 10]) = 3.6, 3.6469165057620934, 2
        Stats s = Stats.of(new double[] {1, 2, 2, 3, 10});
        assertEquals(3.6, s.mean(), 1e-12);
        assertEquals(3.6469165057620934, s.std(), 1e-12);
        assertEquals(2.0, s.median(), 0.0);
        assertEquals(2.5, Stats.of(new double[] {4, 1, 2, 3}).median(), 0.0);
    }

    @Test
    void percentilesInterpolateBetweenRanksLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [0, 25, 50, 90, 100]) = 1, 2, 3, 7.6, 10
        double[] sorted = {1, 2, 3, 4, 10};
        assertEquals(1, Stats.percentile(sorted, 5, 0), 0.0);
        assertEquals(2, Stats.percentile(sorted, 5, 0.25), 0.0);
        assertEquals(3, Stats.percentile(sorted, 5, 0.5), 0.0);
        assertEquals(7.6, Stats.percentile(sorted, 5, 0.9), 1e-12);
        assertEquals(10, Stats.percentile(sorted, 5, 1), 0.0);
        assertEquals(2.5, Stats.percentile(new long[] {1, 2, 3, 4}, 4, 0.5), 0.0);
        assertEquals(5, Stats.percentile(new long[] {5, 99}, 1, 0.99), 0.0);
    }

    @Test
    void emptyAndSingle() {
        assertTrue(Double.isNaN(Stats.of(new double[0]).mean()));
        assertEquals(0.0, Stats.of(new double[] {7}).std());
    }
}
