package io.lockstep.estimate;

/**
 * Tells a clock step from an outlier. A sample is inconsistent with the model when the
 * model's prediction lies outside what the sample allows: outside its causality interval
 * {@code [t1 − t2 − resolution, t4 − t3]}, or further from its offset than
 * {@value #SIGMAS} combined standard uncertainties. One inconsistent sample is an outlier;
 * {@link #confirmCount} in a row on the same side, agreeing with each other and each excluding
 * the prediction by causality (not merely by statistics), are a step, and
 * the tracker starts a new segment at the first of them instead of smearing the jump into the
 * line. Not thread-safe.
 */
public final class StepDetector {

    /** How many combined standard uncertainties a residual may reach before it is suspicious. */
    public static final double SIGMAS = 5;

    private final int confirmCount;
    private int pending;
    private int pendingSide;
    private double pendingMinOffset = Double.NEGATIVE_INFINITY;
    private double pendingMaxOffset = Double.POSITIVE_INFINITY;

    /** A detector that confirms a step after {@code confirmCount} (≥ 2) inconsistent samples in a row. */
    public StepDetector(int confirmCount) {
        if (confirmCount < 2) {
            throw new IllegalArgumentException("a step needs at least two samples to confirm");
        }
        this.confirmCount = confirmCount;
    }

    /** Outcome of one check. */
    public enum Result {
        /** The sample agrees with the model. */
        CONSISTENT,
        /** The sample disagrees; not (yet) a step. */
        OUTLIER,
        /** This sample confirms a step begun {@link #pending()} samples ago (including this one). */
        STEP
    }

    /**
     * Checks one sample against the model's prediction.
     *
     * @param predictedOffsetNanos the model's offset at the sample's local time
     * @param predictionSigmaNanos the model's standard uncertainty there
     * @param sampleSigmaNanos     the sample's own standard uncertainty (from the filter)
     * @param sample               the exchange
     */
    public Result check(double predictedOffsetNanos, double predictionSigmaNanos, double sampleSigmaNanos,
                        TimeSample sample) {
        double offset = sample.offsetNanos();
        double slack = SIGMAS * predictionSigmaNanos;
        boolean outsideCausality = predictedOffsetNanos + slack < sample.minOffsetNanos()
                || predictedOffsetNanos - slack > sample.maxOffsetNanos();
        double combined = Math.hypot(predictionSigmaNanos, sampleSigmaNanos);
        boolean tooFar = Math.abs(offset - predictedOffsetNanos) > SIGMAS * combined + sample.remoteResolutionNanos() / 2.0;
        if (!outsideCausality && !tooFar) {
            reset();
            return Result.CONSISTENT;
        }
        if (!outsideCausality) {
            // Statistically odd but still possible: the sample's own causality interval admits the
            // prediction. Reject it as an outlier, but never let it confirm a step: on a noisy
            // link a run of such samples is noise the fit under-estimated, not proof of a jump.
            reset();
            return Result.OUTLIER;
        }
        int side = offset > predictedOffsetNanos ? 1 : -1;
        // Held-back samples must agree with each other: their causality intervals overlap.
        boolean agrees = pending > 0 && side == pendingSide && sample.minOffsetNanos() <= pendingMaxOffset
                && sample.maxOffsetNanos() >= pendingMinOffset;
        if (!agrees) {
            reset();
            pendingSide = side;
        }
        pending++;
        pendingMinOffset = Math.max(pendingMinOffset, sample.minOffsetNanos());
        pendingMaxOffset = Math.min(pendingMaxOffset, sample.maxOffsetNanos());
        if (pending >= confirmCount) {
            return Result.STEP;
        }
        return Result.OUTLIER;
    }

    /** How many inconsistent samples in a row have been seen (0 after a consistent one). */
    public int pending() {
        return pending;
    }

    /** Forgets held-back samples. */
    public void reset() {
        pending = 0;
        pendingSide = 0;
        pendingMinOffset = Double.NEGATIVE_INFINITY;
        pendingMaxOffset = Double.POSITIVE_INFINITY;
    }
}
