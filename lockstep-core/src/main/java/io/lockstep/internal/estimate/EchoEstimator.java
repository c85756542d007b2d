package io.lockstep.internal.estimate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.TimeSample;

/**
 * Turns a burst of Time Echo samples into one offset estimate. Pure (samples in, estimate out)
 * and stateless, so thread-safe.
 *
 * <p>Two results from the same samples:
 * <ul>
 * <li>The <b>Pupil Labs report</b>, computed exactly as their Python client does: local times
 * truncated to ms, {@code offset = round((before + after) / 2) − server} per sample, mean, sample
 * standard deviation and median of offsets and round trips. Kept for comparison and for the JSON
 * contract's {@code stats}.
 * <li><b>Lockstep's estimate</b>: every exchange proves that the server read its clock no earlier
 * than we sent and no later than we received, and that its true time lay within the millisecond
 * it reported (the Companion app truncates). So each sample bounds the offset to
 * {@code [t1 − (server + 1 ms), t4 − server]}, whatever the path's asymmetry. The intersection
 * of those intervals is set by the lowest-round-trip samples and, because their millisecond
 * boundaries fall at different phases, shrinks well below 1 ms. The estimate is its midpoint and
 * the error bound its half-width, widened for clock drift over the burst. If the intervals do not
 * intersect (a clock step mid-burst, or timestamps that are not what they claim) it falls back
 * to the median offset of the lowest-round-trip tenth with the bound
 * {@code round trip / 2 + 1 ms}. A server that rounds to the nearest millisecond shifts every
 * interval alike, so it cannot be detected from the samples: its estimates are 0.5 ms off.
 * Real Companion apps and the Pupil Labs Python code truncate.
 * </ul>
 */
public final class EchoEstimator {

    /** Drift assumed at most between the two clocks while a burst runs (phones and PCs: 7–21 ppm). */
    public static final double DEFAULT_MAX_DRIFT_PPM = 100.0;

    private final double maxDriftPpm;

    public EchoEstimator(double maxDriftPpm) {
        this.maxDriftPpm = maxDriftPpm;
    }

    public EchoEstimator() {
        this(DEFAULT_MAX_DRIFT_PPM);
    }

    /**
     * @param target   the measured target, for the result
     * @param protocol protocol name for the result
     * @param samples  valid samples (the discarded warm-up exchange not included)
     * @param dropped  exchanges that failed
     * @throws IllegalArgumentException when {@code samples} is empty
     */
    public OffsetEstimate estimate(String target, String protocol, List<TimeSample> samples, int dropped) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no valid samples");
        }
        int n = samples.size();
        double[] pupilOffsetMs = new double[n];
        double[] pupilRoundTripMs = new double[n];
        for (int i = 0; i < n; i++) {
            TimeSample s = samples.get(i);
            long beforeMs = Math.floorDiv(s.localSendWallNanos(), 1_000_000L);
            long afterMs = Math.floorDiv(s.localReceiveWallNanos(), 1_000_000L);
            long serverMs = Math.floorDiv(s.remoteSendWallNanos(), 1_000_000L);
            // Python's round() rounds halves to even; Math.rint does the same.
            pupilOffsetMs[i] = Math.rint((beforeMs + afterMs) / 2.0) - serverMs;
            pupilRoundTripMs[i] = afterMs - beforeMs;
        }
        Stats offsetStats = Stats.of(pupilOffsetMs);
        Stats roundTripStats = Stats.of(pupilRoundTripMs);

        TimeSample best = samples.stream().min(Comparator.comparingLong(TimeSample::roundTripNanos)).orElseThrow();
        long refWall = best.localSendWallNanos();
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        long spanNanos = 0;
        for (TimeSample s : samples) {
            long age = Math.abs(s.localSendWallNanos() - refWall);
            spanNanos = Math.max(spanNanos, age);
            // Drift moves the offset by up to maxDrift × age between this sample and the best one.
            long widen = (long) Math.ceil(age * maxDriftPpm * 1e-6);
            lo = Math.max(lo, s.minOffsetNanos() - widen);
            hi = Math.min(hi, s.maxOffsetNanos() + widen);
        }
        if (lo <= hi) {
            long mid = lo + (hi - lo) / 2;
            long bound = (hi - lo + 1) / 2 + 1;
            return new OffsetEstimate(target, protocol, mid, bound, best.roundTripNanos(), n, dropped,
                    offsetStats, roundTripStats, "interval-intersection", best.localMidNanos());
        }
        List<TimeSample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingLong(TimeSample::roundTripNanos));
        int keep = Math.max(1, n / 10);
        long[] offsets = new long[keep];
        for (int i = 0; i < keep; i++) {
            offsets[i] = sorted.get(i).offsetNanos();
        }
        java.util.Arrays.sort(offsets);
        long median = offsets[keep / 2];
        long bound = sorted.get(keep - 1).roundTripNanos() / 2 + best.remoteResolutionNanos()
                + (long) Math.ceil(spanNanos * maxDriftPpm * 1e-6);
        return new OffsetEstimate(target, protocol, median, bound, best.roundTripNanos(), n, dropped,
                offsetStats, roundTripStats, "min-roundtrip", best.localMidNanos());
    }
}
