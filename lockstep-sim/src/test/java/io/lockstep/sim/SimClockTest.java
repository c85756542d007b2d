package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.time.VirtualTimeSource;

class SimClockTest {

    private static final long S = 1_000_000_000L;

    @Test
    void driftAccumulatesAtTheStatedRate() {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock clock = new SimClock(truth, 5_000_000, 20.0);
        truth.advance(1000 * S);
        // 20 ppm over 1000 s is 20 ms on top of the initial 5 ms.
        assertEquals(25_000_000, clock.aheadNanos(), 1);
        assertEquals(truth.wallNanos() + 25_000_000, clock.wallNanos(), 1);
    }

    @Test
    void stepsMoveWallTimeButNotMonotonicTime() {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock clock = new SimClock(truth, 0, 0);
        clock.stepAt(10 * S, S);
        truth.advance(9 * S);
        long monoBefore = clock.monoNanos();
        assertEquals(0, clock.aheadNanos());
        truth.advance(2 * S);
        assertEquals(S, clock.aheadNanos());
        assertEquals(2 * S, clock.monoNanos() - monoBefore);
    }

    @Test
    void wanderIsDeterministicAndIndependentOfReadPattern() {
        VirtualTimeSource a = new VirtualTimeSource();
        VirtualTimeSource b = new VirtualTimeSource();
        SimClock ca = new SimClock(a, 0, 10, 0.001, 42);
        SimClock cb = new SimClock(b, 0, 10, 0.001, 42);
        for (int i = 0; i < 3600; i++) {
            a.advance(S);
            ca.wallNanos();
        }
        b.advance(3600 * S);
        assertEquals(ca.aheadNanos(), cb.aheadNanos());
        // A random walk of 0.001 ppm/√s over an hour moves the frequency by about 0.06 ppm.
        double moved = Math.abs(ca.frequencyPpmAt(a.monoNanos()) - 10);
        assertTrue(moved > 0 && moved < 0.5, "frequency moved by " + moved);
    }

    @Test
    void theDriftCanJumpAndRampWithoutAJumpInTime() {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock clock = new SimClock(truth, 0, 20);
        clock.changeDriftAt(60 * S, -15);
        assertEquals(20, clock.frequencyPpmAt(59 * S), 1e-9);
        assertEquals(-15, clock.frequencyPpmAt(61 * S), 1e-9);
        // 60 s at +20 ppm, then 40 s at −15 ppm: 1.2 ms − 0.6 ms.
        assertEquals(600_000, clock.aheadAtNanos(100 * S), 1);
        SimClock warming = new SimClock(new VirtualTimeSource(), 0, 0);
        warming.rampDrift(0.01);
        assertEquals(6.0, warming.frequencyPpmAt(600 * S), 1e-9);
    }
}
