package io.lockstep.internal.estimate;

import java.util.SplittableRandom;

import io.lockstep.protocol.TimeSample;

/**
 * Test helper: exchanges with a remote clock at a known offset and drift over a path with
 * exponential queueing, seeded. Drift has its public meaning: {@code remoteDriftPpm} is how fast
 * the remote runs relative to the local clock (positive: remote fast), so the offset
 * ({@code local − remote}) falls at that rate. (The full simulator lives in lockstep-sim,
 * which depends on this module; these are the small streams unit tests need.) Not thread-safe.
 */
public final class SyntheticStream {

    public static final long T0 = 1_767_225_600_000_000_000L;
    public static final long S = 1_000_000_000L;

    private final SplittableRandom random;
    private final long offsetNanos;
    private final double remoteDriftPpm;
    private final long oneWayNanos;
    private final double queueMeanNanos;
    private final long resolutionNanos;
    public long stepNanos;

    /**
     * @param offsetNanos    true {@code local − remote} at {@link #T0}
     * @param remoteDriftPpm how fast the remote runs relative to the local clock (positive: fast)
     */
    public SyntheticStream(long seed, long offsetNanos, double remoteDriftPpm, long oneWayNanos, double queueMeanNanos,
                    long resolutionNanos) {
        this.random = new SplittableRandom(seed);
        this.offsetNanos = offsetNanos;
        this.remoteDriftPpm = remoteDriftPpm;
        this.oneWayNanos = oneWayNanos;
        this.queueMeanNanos = queueMeanNanos;
        this.resolutionNanos = resolutionNanos;
    }

    /** True local − remote at local time {@code localNanos}. */
    public long trueOffsetAt(long localNanos) {
        return offsetNanos - Math.round(remoteDriftPpm * 1e-6 * (localNanos - T0)) + stepNanos;
    }

    /** True offset at {@code localNanos} for a 1 s step taken at second {@code stepAtSecond}. */
    public long trueOffsetAtStep(long localNanos, int stepAtSecond) {
        long base = offsetNanos - Math.round(remoteDriftPpm * 1e-6 * (localNanos - T0));
        return localNanos >= T0 + stepAtSecond * S ? base + S : base;
    }

    /** The exchange sent at local time {@code T0 + i·1 s}. */
    public TimeSample sample(int i) {
        long t1 = T0 + i * S;
        long d1 = oneWayNanos + Math.round(-Math.log(1 - random.nextDouble()) * queueMeanNanos);
        long d2 = oneWayNanos + Math.round(-Math.log(1 - random.nextDouble()) * queueMeanNanos);
        long arrive = t1 + d1;
        long remoteRx = arrive - trueOffsetAt(arrive);
        long remoteTx = remoteRx + 10_000;
        long t4 = arrive + 10_000 + d2;
        return new TimeSample(t1, truncate(remoteRx), truncate(remoteTx), t4, resolutionNanos);
    }

    private long truncate(long v) {
        return Math.floorDiv(v, resolutionNanos) * resolutionNanos;
    }
}
