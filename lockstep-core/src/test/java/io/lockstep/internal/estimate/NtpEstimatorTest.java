package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.TimeSample;

/** The NTP burst estimator, samples in, estimate out. */
class NtpEstimatorTest {

    private static TimeSample sample(long t1, long oneWayOutNanos, long oneWayBackNanos, long offsetNanos,
                                     long distanceNanos) {
        long remote = t1 + oneWayOutNanos - offsetNanos;
        return new TimeSample(t1, remote, remote + 1_000, t1 + oneWayOutNanos + 1_000 + oneWayBackNanos, 1,
                distanceNanos);
    }

    @Test
    void theFastestExchangeWinsAndItsBoundAddsTheServersDistance() {
        long offset = 750_000;
        List<TimeSample> samples = List.of(
                sample(0, 400_000, 50_000, offset, 5_000),      // queued on the way out: biased by 175 µs
                sample(10_000_000, 30_000, 30_000, offset, 7_000), // the fastest and symmetric
                sample(20_000_000, 60_000, 200_000, offset, 5_000));
        OffsetEstimate e = NtpEstimator.estimate("ntp://t", "ntp", samples, 2, "timeout (2x)");
        assertEquals(offset, e.offsetNanos(), 1);
        assertEquals(60_000, e.roundTripNanos());
        assertEquals(30_000 + 7_000, e.errorBoundNanos(), 1, "half the best round trip + its server's distance");
        assertEquals(3, e.samples());
        assertEquals(2, e.dropped());
        assertTrue(e.method().contains("dropped: timeout (2x)"), e.method());
        assertEquals(10_000_000 + 30_500, e.localWallNanos(), 1);
    }

    @Test
    void anEmptyBurstIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> NtpEstimator.estimate("t", "ntp", List.of(), 1, ""));
    }
}
