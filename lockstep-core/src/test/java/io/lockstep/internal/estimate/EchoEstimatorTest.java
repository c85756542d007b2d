package io.lockstep.internal.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.TimeSample;

class EchoEstimatorTest {

    private static final long MS = 1_000_000L;

    /**
     * Simulated Time Echo burst: the device clock reads {@code aheadNanos} ahead; forward and
     * return delays are drawn per exchange; the device truncates its reading to ms.
     */
    private static List<TimeSample> burst(Random rnd, long aheadNanos, int n, long fwdBase, long fwdJitter,
                                          long backBase, long backJitter) {
        List<TimeSample> out = new ArrayList<>();
        long local = 1_767_225_600_000_000_000L + rnd.nextInt(1_000_000);
        for (int i = 0; i < n; i++) {
            local += 200_000 + rnd.nextInt(3_000_000);
            long t1 = local;
            long atServer = t1 + fwdBase + (long) (rnd.nextDouble() * rnd.nextDouble() * fwdJitter);
            long serverMs = Math.floorDiv(atServer + aheadNanos, MS);
            long t4 = atServer + backBase + (long) (rnd.nextDouble() * rnd.nextDouble() * backJitter);
            out.add(new TimeSample(t1, serverMs * MS, serverMs * MS, t4, MS));
        }
        return out;
    }

    @RepeatedTest(20)
    void loopbackLikeBurstIsWellBelowOneMillisecondAndBounded(org.junit.jupiter.api.RepetitionInfo rep) {
        Random rnd = new Random(42 + rep.getCurrentRepetition());
        long ahead = 137_500_000L + rnd.nextInt(1_000_000);
        OffsetEstimate e = new EchoEstimator().estimate("t", "echo",
                burst(rnd, ahead, 100, 10_000, 100_000, 10_000, 100_000), 0);
        assertTrue(e.contains(-ahead), "truth " + (-ahead) + " outside " + e);
        assertTrue(e.errorBoundNanos() < 150_000, "bound " + e.errorBoundNanos());
        assertEquals("interval-intersection", e.method());
    }

    @Test
    void asymmetricPathStillContainsTheTruth() {
        // 3 ms out, 0.1 ms back: a midpoint estimate is biased by ~1.45 ms; the bound must say so.
        Random rnd = new Random(7);
        long ahead = -42 * MS;
        OffsetEstimate e = new EchoEstimator().estimate("t", "echo", burst(rnd, ahead, 100, 3 * MS, 200_000, 100_000, 50_000), 0);
        assertTrue(e.contains(-ahead), "truth " + (-ahead) + " outside " + e);
        assertTrue(e.errorBoundNanos() > MS, "a 3 ms asymmetry cannot be hidden: bound " + e.errorBoundNanos());
    }

    @Test
    void busyWifiSpikesDoNotMoveTheEstimate() {
        Random rnd = new Random(11);
        long ahead = 5 * MS;
        List<TimeSample> samples = burst(rnd, ahead, 100, 2 * MS, 150 * MS, 2 * MS, 150 * MS);
        OffsetEstimate e = new EchoEstimator().estimate("t", "echo", samples, 3);
        assertTrue(e.contains(-ahead), e.toString());
        double meanErrorMs = Math.abs(e.offsetMs().mean() + ahead / 1e6);
        assertTrue(Math.abs(e.offsetNanos() + ahead) < meanErrorMs * MS, "better than the mean");
        assertEquals(3, e.dropped());
    }

    @Test
    void pupilLabsStatisticsAreComputedTheirWay() {
        // before 1000 ms, after 1003 ms, server 900 ms: round((1000+1003)/2) - 900 = 1002 - 900 = 102
        // (Python rounds 1001.5 to the even 1002).
        TimeSample a = new TimeSample(1000 * MS + 400_000, 900 * MS, 900 * MS, 1003 * MS + 10, MS);
        TimeSample b = new TimeSample(2000 * MS, 1900 * MS, 1900 * MS, 2001 * MS, MS);
        OffsetEstimate e = new EchoEstimator().estimate("t", "echo", List.of(a, b), 0);
        assertEquals((102 + 100) / 2.0, e.offsetMs().mean(), 1e-12);
        assertEquals(2.0, e.roundTripMs().mean(), 1e-12);
    }

    @Test
    void inconsistentIntervalsFallBackToMinimumRoundTrip() {
        // A server that rounds to the nearest ms can contradict the truncation assumption.
        List<TimeSample> samples = List.of(
                new TimeSample(10 * MS, 5 * MS, 5 * MS, 10 * MS + 10_000, MS),
                new TimeSample(20 * MS, 17 * MS, 17 * MS, 20 * MS + 10_000, MS));
        OffsetEstimate e = new EchoEstimator().estimate("t", "echo", samples, 0);
        assertEquals("min-roundtrip", e.method());
        assertTrue(e.errorBoundNanos() >= MS);
    }
}
