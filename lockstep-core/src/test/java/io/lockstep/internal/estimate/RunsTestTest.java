package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RunsTestTest {

    @Test
    void randomSignsPassAndACurvePasses() {
        SplittableRandom random = new SplittableRandom(1);
        double[] noise = new double[500];
        double[] curve = new double[500];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextGaussian();
            // A parabola left over after fitting a line: long runs of each sign.
            double t = i / 499.0 - 0.5;
            curve[i] = t * t - 1.0 / 12 + 0.01 * random.nextGaussian();
        }
        assertTrue(RunsTest.looksRandom(noise, 0, noise.length, 0));
        assertFalse(RunsTest.looksRandom(curve, 0, curve.length, 0));
    }

    @Test
    void residualsInsideTheDeadBandCarryNoEvidence() {
        double[] staircase = new double[200];
        for (int i = 0; i < staircase.length; i++) {
            staircase[i] = (i / 50) % 2 == 0 ? 300_000 : -300_000;
        }
        assertFalse(RunsTest.looksRandom(staircase, 0, staircase.length, 0));
        assertTrue(RunsTest.looksRandom(staircase, 0, staircase.length, 500_000));
    }
}
