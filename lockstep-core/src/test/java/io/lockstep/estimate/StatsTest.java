package io.lockstep.estimate;

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
    void emptyAndSingle() {
        assertTrue(Double.isNaN(Stats.of(new double[0]).mean()));
        assertEquals(0.0, Stats.of(new double[] {7}).std());
    }
}
