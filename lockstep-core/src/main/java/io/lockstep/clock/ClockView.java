package io.lockstep.clock;

import io.lockstep.time.TimeSource;

/**
 * One snapshot of a {@link SyncedClock}: its model, the time of its last contact with the
 * reference and its holdover threshold, taken together, so that everything asked of it (the
 * reading at a local instant, local ↔ reference conversions, the bound and the state at an
 * instant) comes from the same model. Take one with {@link SyncedClock#view()} and ask it as
 * many questions as needed; a new model, a new contact or a new threshold gives the clock a new
 * view object, so holders can notice a change by identity. Immutable and thread-safe.
 *
 * <p>While the clock is {@link ClockState#UNSYNCED} (no model yet) a view still answers
 * {@link #stateAt}, {@link #readingAt} (an UNSYNCED reading), {@link #errorBoundAt}
 * ({@link Long#MAX_VALUE}) and {@link #driftPpm} (NaN); the conversions throw
 * {@link IllegalStateException}.
 *
 * <p>Sign: {@code offset = local − reference}, so {@code reference = local − offset}.
 */
public final class ClockView {

    /** The model counts as stale when its newest sample is this many holdover thresholds old. */
    static final int STALE_MODEL_FACTOR = 20;

    private final ClockModel model;
    private final long lastContactLocalNanos;
    private final long holdoverAfterNanos;
    /** Non-null only for {@link #local(TimeSource)}: a clock that is its own reference. */
    private final TimeSource ownReference;

    private ClockView(ClockModel model, long lastContactLocalNanos, long holdoverAfterNanos, TimeSource ownReference) {
        this.model = model;
        this.lastContactLocalNanos = lastContactLocalNanos;
        this.holdoverAfterNanos = holdoverAfterNanos;
        this.ownReference = ownReference;
    }

    /** A synced clock's snapshot (see {@link SyncedClock}); {@code model} is null while unsynced. */
    static ClockView of(ClockModel model, long lastContactLocalNanos, long holdoverAfterNanos) {
        return new ClockView(model, lastContactLocalNanos, holdoverAfterNanos, null);
    }

    /**
     * A plain local clock seen as its own reference: reference time is its wall time, the bound
     * its own wall-time uncertainty, always {@link ClockState#SYNCED}, no drift. For a scheduler
     * that runs on the local clock.
     */
    public static ClockView local(TimeSource local) {
        return new ClockView(null, Long.MIN_VALUE, Long.MAX_VALUE, java.util.Objects.requireNonNull(local, "local"));
    }

    ClockView withModel(ClockModel newModel) {
        return new ClockView(newModel, lastContactLocalNanos, holdoverAfterNanos, ownReference);
    }

    ClockView withContact(long contactLocalNanos) {
        return new ClockView(model, contactLocalNanos, holdoverAfterNanos, ownReference);
    }

    ClockView withHoldover(long newHoldoverAfterNanos) {
        return new ClockView(model, lastContactLocalNanos, newHoldoverAfterNanos, ownReference);
    }

    /** False while {@link ClockState#UNSYNCED}: no usable exchange with the reference yet. */
    public boolean hasModel() {
        return model != null || ownReference != null;
    }

    /** The model, or null while unsynced (and for a {@link #local} view, which has none). */
    public ClockModel model() {
        return model;
    }

    /** The state at local wall time {@code localNanos}. */
    public ClockState stateAt(long localNanos) {
        if (ownReference != null) {
            return ClockState.SYNCED;
        }
        if (model == null) {
            return ClockState.UNSYNCED;
        }
        long sinceContact = localNanos - Math.max(lastContactLocalNanos, model.lastSampleLocalNanos());
        if (sinceContact > holdoverAfterNanos || model.ageNanos(localNanos) > STALE_MODEL_FACTOR * holdoverAfterNanos) {
            return ClockState.HOLDOVER;
        }
        return model.driftKnown() ? ClockState.SYNCED : ClockState.SYNCING;
    }

    /** The reference time at local wall time {@code localNanos}. */
    public long toReference(long localNanos) {
        return localNanos - offsetAt(localNanos);
    }

    /** The local wall time at which the reference reads {@code referenceNanos}. */
    public long toLocal(long referenceNanos) {
        if (ownReference != null) {
            return referenceNanos;
        }
        return require().toLocalNanos(referenceNanos);
    }

    /** Offset {@code local − reference} at local wall time {@code localNanos}, in ns. */
    public long offsetAt(long localNanos) {
        if (ownReference != null) {
            return 0;
        }
        return require().offsetAtNanos(localNanos);
    }

    /**
     * The truth lies within {@link #toReference}{@code (localNanos)} ± this, in ns;
     * {@link Long#MAX_VALUE} while unsynced.
     */
    public long errorBoundAt(long localNanos) {
        if (ownReference != null) {
            return ownReference.wallUncertaintyNanos();
        }
        return model == null ? Long.MAX_VALUE : model.errorBoundAtNanos(localNanos);
    }

    /**
     * How fast the reference runs relative to the local clock, in ppm (positive: the reference
     * runs fast); the offset changes at minus this rate. NaN while unsynced.
     */
    public double driftPpm() {
        if (ownReference != null) {
            return 0;
        }
        return model == null ? Double.NaN : model.remoteDriftPpm();
    }

    /** How long before {@code localNanos} the newest sample in the model was taken (ns); −1 while unsynced. */
    public long sampleAgeAt(long localNanos) {
        if (ownReference != null) {
            return 0;
        }
        return model == null ? -1 : model.ageNanos(localNanos);
    }

    /**
     * Everything about the clock at local wall time {@code localNanos}. While unsynced the
     * reading's state is {@link ClockState#UNSYNCED}, its reference time and offset 0, its bound
     * {@link Long#MAX_VALUE}, its drift NaN, its segment and sample age −1.
     */
    public ClockReading readingAt(long localNanos) {
        if (!hasModel()) {
            return new ClockReading(localNanos, 0, Long.MAX_VALUE, 0, Double.NaN, ClockState.UNSYNCED, -1, -1);
        }
        long offset = offsetAt(localNanos);
        return new ClockReading(localNanos, localNanos - offset, errorBoundAt(localNanos), offset, driftPpm(),
                stateAt(localNanos), model == null ? 0 : model.segment(), sampleAgeAt(localNanos));
    }

    private ClockModel require() {
        if (model == null) {
            throw new IllegalStateException("clock not synchronised yet: no usable exchange with the reference");
        }
        return model;
    }
}
