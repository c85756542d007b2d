package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.TimeSample;

class DelayFilterTest {

    private static TimeSample withRoundTrip(long rt) {
        return new TimeSample(0, 10, 10, rt, 1);
    }

    @Test
    void keepsSamplesNearTheMinimumFastestFirst() {
        List<TimeSample> in = List.of(withRoundTrip(240_000), withRoundTrip(100_000), withRoundTrip(260_000),
                withRoundTrip(2_000_000));
        // Threshold 2 x 100 us + 50 us = 250 us.
        List<TimeSample> kept = DelayFilter.keep(in);
        assertEquals(2, kept.size());
        assertEquals(100_000, kept.get(0).roundTripNanos());
        assertEquals(240_000, kept.get(1).roundTripNanos());
    }

    @Test
    void loopbackNoiseIsNotThinnedToOneSample() {
        List<TimeSample> kept = DelayFilter.keep(List.of(withRoundTrip(20_000), withRoundTrip(60_000),
                withRoundTrip(85_000), withRoundTrip(95_000)));
        assertEquals(3, kept.size());
    }

    @Test
    void emptyInEmptyOut() {
        assertEquals(0, DelayFilter.keep(List.of()).size());
    }
}
