package io.lockstep.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StepDetectorTest {

    /** A sample whose causality interval is centred on {@code offset} with width 200 µs. */
    private static TimeSample at(long offsetNanos) {
        long t1 = 10_000_000_000L;
        long t4 = t1 + 200_000;
        long remote = t1 + 100_000 - offsetNanos;
        return new TimeSample(t1, remote, remote, t4, 1);
    }

    @Test
    void oneWildSampleIsAnOutlierThreeAreAStep() {
        StepDetector d = new StepDetector(3);
        assertEquals(StepDetector.Result.CONSISTENT, d.check(0, 1_000, 10_000, at(5_000)));
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(1_000_000)));
        assertEquals(StepDetector.Result.CONSISTENT, d.check(0, 1_000, 10_000, at(-3_000)));
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(1_000_000)));
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(1_010_000)));
        assertEquals(StepDetector.Result.STEP, d.check(0, 1_000, 10_000, at(990_000)));
        assertEquals(3, d.pending());
    }

    @Test
    void disagreeingSuspectsDoNotMakeAStep() {
        StepDetector d = new StepDetector(3);
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(1_000_000)));
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(-1_000_000)));
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(3_000_000)));
        assertEquals(1, d.pending());
    }
}
