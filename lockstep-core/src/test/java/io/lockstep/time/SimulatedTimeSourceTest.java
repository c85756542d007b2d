package io.lockstep.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SimulatedTimeSourceTest {

    @Test
    void offsetDriftAndStepsInVirtualTime() {
        VirtualTimeSource ref = new VirtualTimeSource();
        SimulatedTimeSource dev = new SimulatedTimeSource(ref, 137_500_000L, 20.0);
        assertEquals(ref.wallNanos() + 137_500_000L, dev.wallNanos());
        ref.advance(3_600_000_000_000L); // one hour at 20 ppm = 72 ms
        assertEquals(137_500_000L + 72_000_000L, dev.aheadOfReferenceNanos());
        assertEquals(ref.wallNanos() + 209_500_000L, dev.wallNanos());
        dev.step(-1_000_000_000L);
        assertEquals(-790_500_000L, dev.aheadOfReferenceNanos());
    }

    @Test
    void trueOffsetAtAnEarlierInstant() {
        VirtualTimeSource ref = new VirtualTimeSource();
        SimulatedTimeSource dev = new SimulatedTimeSource(ref, 1_000_000L, 50.0);
        long then = ref.wallNanos();
        ref.advance(10_000_000_000L); // 10 s at 50 ppm = 500 µs more
        assertEquals(1_000_000L, dev.aheadAtReferenceWallNanos(then));
        assertEquals(1_500_000L, dev.aheadAtReferenceWallNanos(ref.wallNanos()));
    }

    @Test
    void monotonicTimeDriftsButIgnoresSteps() {
        VirtualTimeSource ref = new VirtualTimeSource();
        SimulatedTimeSource dev = new SimulatedTimeSource(ref, 0, -50.0);
        long m0 = dev.monoNanos();
        dev.step(5_000_000_000L);
        ref.advance(1_000_000_000L);
        assertEquals(1_000_000_000L - 50_000L, dev.monoNanos() - m0);
    }

    @Test
    void driftChangesAreContinuous() {
        VirtualTimeSource ref = new VirtualTimeSource();
        SimulatedTimeSource dev = new SimulatedTimeSource(ref, 0, 10.0);
        ref.advance(1_000_000_000L);
        long before = dev.aheadOfReferenceNanos();
        dev.setDriftPpm(-10.0);
        assertEquals(before, dev.aheadOfReferenceNanos());
        ref.advance(1_000_000_000L);
        assertEquals(0, dev.aheadOfReferenceNanos());
    }
}
