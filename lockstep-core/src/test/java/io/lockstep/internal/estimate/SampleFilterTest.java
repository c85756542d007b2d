package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.TimeSample;

class SampleFilterTest {

    private static TimeSample withRoundTrip(long rttNanos) {
        return new TimeSample(0, 0, 0, rttNanos, 1);
    }

    @Test
    void slowSamplesAreRejectedAndFastOnesWeightedMost() {
        SampleFilter filter = new SampleFilter(64);
        for (int i = 0; i < 64; i++) {
            filter.offer(withRoundTrip(1_000_000 + (i % 8) * 100_000));
        }
        assertEquals(1_000_000, filter.minRoundTripNanos());
        assertEquals(0.0, filter.offer(withRoundTrip(5_000_000)));
        double fast = filter.offer(withRoundTrip(1_000_000));
        double slower = filter.offer(withRoundTrip(1_300_000));
        assertTrue(fast > 4 * slower, fast + " vs " + slower);
    }

    @Test
    void theFloorFollowsTheResolution() {
        SampleFilter filter = new SampleFilter(16);
        for (int i = 0; i < 16; i++) {
            filter.offer(new TimeSample(0, 0, 0, 200_000, 1_000_000));
        }
        assertEquals(1_000_000 / Math.sqrt(12), filter.sigmaNanos(200_000, 1_000_000), 1);
    }
}
