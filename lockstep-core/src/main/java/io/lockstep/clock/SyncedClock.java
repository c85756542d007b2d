package io.lockstep.clock;

import io.lockstep.estimate.ClockModel;
import io.lockstep.time.TimeSource;

/**
 * The reference clock as seen from this host: the local clock corrected by the latest
 * offset-and-drift model. It reads the reference time, converts instants between the local
 * and the reference clock, and says how wrong it may be right now; through an outage it keeps
 * predicting from the last model while the error bound grows with the time since the last
 * exchange and the drift's uncertainty. It never changes the system clock.
 *
 * <p>Thread-safe and lock-free: the model is an immutable {@link ClockModel} behind a volatile
 * field; a tracker publishes a new one after each accepted exchange and readers on any thread
 * see either the old or the new model, never a mixture.
 *
 * <p>Sign: {@code offset = local − reference}, so {@code reference = local − offset}.
 */
public final class SyncedClock {

    private final TimeSource local;
    private final long holdoverAfterNanos;
    private volatile ClockModel model;
    private volatile long lastContactLocalNanos;

    /** The model counts as stale when its newest sample is this many holdover thresholds old. */
    public static final int STALE_MODEL_FACTOR = 20;

    /**
     * @param local              the local clock whose wall time is corrected
     * @param holdoverAfterNanos how long without any answer from the reference the clock counts
     *                           as in holdover (a tracker uses a few sampling intervals). Answers
     *                           too slow to use still count as contact; but a model whose newest
     *                           sample is {@value #STALE_MODEL_FACTOR} times older is in holdover too.
     */
    public SyncedClock(TimeSource local, long holdoverAfterNanos) {
        if (holdoverAfterNanos <= 0) {
            throw new IllegalArgumentException("holdover threshold must be positive");
        }
        this.local = local;
        this.holdoverAfterNanos = holdoverAfterNanos;
    }

    /** Publishes a new model; called by the tracker that feeds this clock. */
    public void update(ClockModel newModel) {
        model = newModel;
    }

    /** Records that the reference answered at local time {@code localNanos} (even if the answer was not used). */
    public void contact(long localNanos) {
        lastContactLocalNanos = localNanos;
    }

    /** The current model, or null while {@link ClockState#UNSYNCED}. */
    public ClockModel model() {
        return model;
    }

    /** The state at this moment. */
    public ClockState state() {
        return stateAt(model, local.wallNanos());
    }

    /** Reference wall time now, in ns since the Unix epoch. */
    public long nowNanos() {
        return toReference(local.wallNanos());
    }

    /** The reference time corresponding to local wall time {@code localNanos}. */
    public long toReference(long localNanos) {
        return require().toRemoteNanos(localNanos);
    }

    /** The local wall time at which the reference clock reads {@code referenceNanos}. */
    public long toLocal(long referenceNanos) {
        return require().toLocalNanos(referenceNanos);
    }

    /** Offset {@code local − reference} now, in ns. */
    public long offsetNanos() {
        return require().offsetAtNanos(local.wallNanos());
    }

    /** The truth lies within {@link #nowNanos()} ± this, in ns; {@link Long#MAX_VALUE} while unsynced. */
    public long errorBoundNanos() {
        ClockModel m = model;
        return m == null ? Long.MAX_VALUE : m.errorBoundAtNanos(local.wallNanos());
    }

    /**
     * How fast the reference runs relative to the local clock, in ppm (positive: the reference
     * runs fast, as {@code serve --simulate-drift}); the offset changes at minus this rate. NaN
     * while unsynced.
     */
    public double driftPpm() {
        ClockModel m = model;
        return m == null ? Double.NaN : m.remoteDriftPpm();
    }

    /** The state a clock with {@code m} would be in at local time {@code localNanos}. */
    public ClockState stateAt(ClockModel m, long localNanos) {
        if (m == null) {
            return ClockState.UNSYNCED;
        }
        long sinceContact = localNanos - Math.max(lastContactLocalNanos, m.lastSampleLocalNanos());
        if (sinceContact > holdoverAfterNanos || m.ageNanos(localNanos) > STALE_MODEL_FACTOR * holdoverAfterNanos) {
            return ClockState.HOLDOVER;
        }
        return m.driftKnown() ? ClockState.SYNCED : ClockState.SYNCING;
    }

    private ClockModel require() {
        ClockModel m = model;
        if (m == null) {
            throw new IllegalStateException("clock not synchronised yet: no usable exchange with the reference");
        }
        return m;
    }
}
