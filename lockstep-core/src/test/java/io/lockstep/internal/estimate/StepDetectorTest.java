package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.TimeSample;

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

    /** A slow sample: causality interval centred on {@code offset} with width {@code widthNanos}. */
    private static TimeSample wide(long offsetNanos, long widthNanos) {
        long t1 = 10_000_000_000L;
        long remote = t1 + widthNanos / 2 - offsetNanos;
        return new TimeSample(t1, remote, remote, t1 + widthNanos, 1);
    }

    @Test
    void aSlowSampleThatProvesNothingNeitherCountsNorBreaksARun() {
        StepDetector d = new StepDetector(3);
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(1_000_000)));
        // 1.5 ms wide around 0.5 ms: admits the prediction 0 and the candidates' 1 ms alike.
        d.unusable(0, wide(500_000, 1_500_000));
        assertEquals(1, d.pending());
        assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 10_000, at(1_000_000)));
        // 200 µs wide around 0: says the clock is where the model says, not 1 ms away.
        d.unusable(0, at(0));
        assertEquals(0, d.pending());
    }

    @Test
    void slowSamplesThatExcludeThePredictionConfirmAStepLikeFastOnes() {
        StepDetector d = new StepDetector(3);
        // 40 ms round trips around a 1 s step: wide, but every one excludes the prediction 0.
        for (int i = 0; i < 2; i++) {
            assertEquals(StepDetector.Result.OUTLIER, d.check(0, 1_000, 20_000_000, wide(1_000_000_000, 40_000_000)));
        }
        assertEquals(StepDetector.Result.STEP, d.check(0, 1_000, 20_000_000, wide(1_000_000_000, 40_000_000)));
    }

    @Test
    void candidatesAgreeRelativeToThePredictionSoDriftDoesNotSplitThem() {
        StepDetector d = new StepDetector(3);
        // The model predicts an offset falling 50 µs per sample; the clock stepped by +1 ms and
        // keeps that drift, so the raw intervals drift apart by more than their width.
        for (int i = 0; i < 3; i++) {
            long predicted = -50_000L * i * 5;
            StepDetector.Result r = d.check(predicted, 1_000, 10_000, at(predicted + 1_000_000));
            assertEquals(i < 2 ? StepDetector.Result.OUTLIER : StepDetector.Result.STEP, r, "candidate " + i);
        }
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
