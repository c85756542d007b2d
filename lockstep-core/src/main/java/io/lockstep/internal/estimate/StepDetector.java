package io.lockstep.internal.estimate;

import io.lockstep.protocol.TimeSample;

/**
 * Tells a clock step from an outlier. A sample is inconsistent with the model when the
 * model's prediction lies outside what the sample allows: outside its causality interval
 * {@code [t1 − t2 − resolution, t4 − t3]} (widened by {@value #SIGMAS} standard uncertainties
 * of the prediction), or further from its offset than {@value #SIGMAS} combined standard
 * uncertainties. One inconsistent sample is an outlier; {@link #confirmCount} in a row on the
 * same side, each excluding the prediction by causality (not merely by statistics) and agreeing
 * with each other, are a step, and the tracker starts a new segment at the first of them
 * instead of smearing the jump into the line.
 *
 * <p>Step candidates are judged by their causality intervals whatever their delay: an interval
 * is a proof however wide it is, so a slow exchange that excludes the model counts as much as a
 * fast one, and a slow one that admits the model (and so proves nothing either way) neither
 * counts nor breaks a run unless it contradicts the candidates. That is what lets a step on a
 * LAN be confirmed by the next {@code confirmCount} exchanges instead of waiting for fast ones.
 * Candidates agree when their intervals, taken relative to the model's prediction at their own
 * instants (so the drift between them does not matter), have a common point. Not thread-safe.
 */
public final class StepDetector {

    /** How many combined standard uncertainties a residual may reach before it is suspicious. */
    public static final double SIGMAS = 5;

    private final int confirmCount;
    private int pending;
    private int pendingSide;
    // Intersection of the pending candidates' causality intervals, relative to the prediction.
    private double pendingMinResidual = Double.NEGATIVE_INFINITY;
    private double pendingMaxResidual = Double.POSITIVE_INFINITY;

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
     * True when the sample's causality interval excludes the prediction even after widening it
     * by {@value #SIGMAS} standard uncertainties of the prediction: the sample proves the model
     * wrong at its instant, whatever its round trip.
     */
    public static boolean excludesPrediction(double predictedOffsetNanos, double predictionSigmaNanos,
                                             TimeSample sample) {
        double slack = SIGMAS * predictionSigmaNanos;
        return predictedOffsetNanos + slack < sample.minOffsetNanos()
                || predictedOffsetNanos - slack > sample.maxOffsetNanos();
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
        boolean outsideCausality = excludesPrediction(predictedOffsetNanos, predictionSigmaNanos, sample);
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
        return candidate(predictedOffsetNanos, sample);
    }

    /**
     * Takes note of a sample too slow to use that admits the prediction: it proves nothing about
     * the model, so it does not end a run of candidates, unless its interval contradicts theirs
     * (then the run cannot be one step).
     */
    public void unusable(double predictedOffsetNanos, TimeSample sample) {
        if (pending > 0 && !overlapsPending(predictedOffsetNanos, sample)) {
            reset();
        }
    }

    private Result candidate(double predictedOffsetNanos, TimeSample sample) {
        int side = sample.offsetNanos() > predictedOffsetNanos ? 1 : -1;
        // Held-back samples must agree with each other: their intervals have a common point.
        boolean agrees = pending > 0 && side == pendingSide && overlapsPending(predictedOffsetNanos, sample);
        if (!agrees) {
            reset();
            pendingSide = side;
        }
        pending++;
        pendingMinResidual = Math.max(pendingMinResidual, sample.minOffsetNanos() - predictedOffsetNanos);
        pendingMaxResidual = Math.min(pendingMaxResidual, sample.maxOffsetNanos() - predictedOffsetNanos);
        return pending >= confirmCount ? Result.STEP : Result.OUTLIER;
    }

    private boolean overlapsPending(double predictedOffsetNanos, TimeSample sample) {
        return sample.minOffsetNanos() - predictedOffsetNanos <= pendingMaxResidual
                && sample.maxOffsetNanos() - predictedOffsetNanos >= pendingMinResidual;
    }

    /** How many inconsistent samples in a row have been seen (0 after a consistent one). */
    public int pending() {
        return pending;
    }

    /** Forgets held-back samples. */
    public void reset() {
        pending = 0;
        pendingSide = 0;
        pendingMinResidual = Double.NEGATIVE_INFINITY;
        pendingMaxResidual = Double.POSITIVE_INFINITY;
    }
}
