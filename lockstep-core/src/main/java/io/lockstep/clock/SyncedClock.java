package io.lockstep.clock;

import io.lockstep.time.TimeSource;

/**
 * The reference clock as seen from this host: the local clock corrected by the latest
 * offset-and-drift model. It reads the reference time, converts instants between the local
 * and the reference clock, and says how wrong it may be right now; through an outage it keeps
 * predicting from the last model while the error bound grows with the time since the last
 * exchange and the drift's uncertainty. It never changes the system clock.
 *
 * <p>Thread-safe and lock-free: the model and the time of the last contact live together in one
 * immutable snapshot behind a volatile field. {@link #read()} takes one snapshot and one local
 * clock reading and computes everything from them, so the time, bound, drift and state it
 * returns always belong together; prefer it to calling {@link #nowNanos()} and
 * {@link #errorBoundNanos()} one after the other, which may see two different models.
 *
 * <p>Only the holder of the clock's {@link Feed} (the tracker that created it) can publish
 * models: readers cannot.
 *
 * <p>Sign: {@code offset = local − reference}, so {@code reference = local − offset}.
 */
public final class SyncedClock {

    /** The model counts as stale when its newest sample is this many holdover thresholds old. */
    public static final int STALE_MODEL_FACTOR = 20;

    /** The model and the last contact, replaced together. */
    private record Snapshot(ClockModel model, long lastContactLocalNanos) {
    }

    private final TimeSource local;
    private volatile long holdoverAfterNanos;
    private volatile Snapshot snapshot = new Snapshot(null, Long.MIN_VALUE);

    private SyncedClock(TimeSource local, long holdoverAfterNanos) {
        if (holdoverAfterNanos <= 0) {
            throw new IllegalArgumentException("holdover threshold must be positive");
        }
        this.local = local;
        this.holdoverAfterNanos = holdoverAfterNanos;
    }

    /**
     * Creates an unsynchronised clock and returns the handle that feeds it.
     *
     * @param local              the local clock whose wall time is corrected
     * @param holdoverAfterNanos how long without any answer from the reference the clock counts
     *                           as in holdover (a tracker uses a few sampling intervals). Answers
     *                           too slow to use still count as contact; but a model whose newest
     *                           sample is {@value #STALE_MODEL_FACTOR} times older is in holdover too.
     */
    public static Feed create(TimeSource local, long holdoverAfterNanos) {
        return new Feed(new SyncedClock(local, holdoverAfterNanos));
    }

    /**
     * The writing side of a {@link SyncedClock}: whoever creates the clock keeps this and
     * publishes each new model through it. Thread-safe, but meant for one writer; concurrent
     * writers would each win in turn.
     */
    public static final class Feed {
        private final SyncedClock clock;

        private Feed(SyncedClock clock) {
            this.clock = clock;
        }

        /** The clock this feed writes to. */
        public SyncedClock clock() {
            return clock;
        }

        /** Publishes a new model. */
        public void publish(ClockModel model) {
            Snapshot s = clock.snapshot;
            clock.snapshot = new Snapshot(model, s.lastContactLocalNanos());
        }

        /** Records that the reference answered at local time {@code localNanos} (even if the answer was not used). */
        public void contact(long localNanos) {
            Snapshot s = clock.snapshot;
            clock.snapshot = new Snapshot(s.model(), localNanos);
        }

        /**
         * Changes how long without an answer the clock counts as in holdover (a tracker that was
         * told to poll less often waits longer between answers).
         */
        public void holdoverAfterNanos(long nanos) {
            if (nanos <= 0) {
                throw new IllegalArgumentException("holdover threshold must be positive");
            }
            clock.holdoverAfterNanos = nanos;
        }

        /** Publishes a new model and the contact that produced it in one step. */
        public void publish(ClockModel model, long contactLocalNanos) {
            clock.snapshot = new Snapshot(model, contactLocalNanos);
        }
    }

    /**
     * Everything about the clock at this instant, from one model.
     *
     * @throws IllegalStateException while {@link ClockState#UNSYNCED}
     */
    public ClockReading read() {
        Snapshot s = snapshot;
        long localNanos = local.wallNanos();
        ClockModel m = s.model();
        if (m == null) {
            throw new IllegalStateException("clock not synchronised yet: no usable exchange with the reference");
        }
        long offset = m.offsetAtNanos(localNanos);
        return new ClockReading(localNanos, localNanos - offset, m.errorBoundAtNanos(localNanos), offset,
                m.remoteDriftPpm(), stateOf(s, m, localNanos), m.segment());
    }

    /** The local clock this clock corrects (the one its models' local times are read from). */
    public TimeSource localSource() {
        return local;
    }

    /** The current model, or null while {@link ClockState#UNSYNCED}. */
    public ClockModel model() {
        return snapshot.model();
    }

    /** The state at this moment. */
    public ClockState state() {
        Snapshot s = snapshot;
        return stateOf(s, s.model(), local.wallNanos());
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
        ClockModel m = snapshot.model();
        return m == null ? Long.MAX_VALUE : m.errorBoundAtNanos(local.wallNanos());
    }

    /**
     * How fast the reference runs relative to the local clock, in ppm (positive: the reference
     * runs fast, as {@code serve --simulate-drift}); the offset changes at minus this rate. NaN
     * while unsynced.
     */
    public double driftPpm() {
        ClockModel m = snapshot.model();
        return m == null ? Double.NaN : m.remoteDriftPpm();
    }

    /** The state a clock with model {@code m} would be in at local time {@code localNanos}. */
    public ClockState stateAt(ClockModel m, long localNanos) {
        return stateOf(snapshot, m, localNanos);
    }

    private ClockState stateOf(Snapshot s, ClockModel m, long localNanos) {
        if (m == null) {
            return ClockState.UNSYNCED;
        }
        long holdover = holdoverAfterNanos;
        long sinceContact = localNanos - Math.max(s.lastContactLocalNanos(), m.lastSampleLocalNanos());
        if (sinceContact > holdover || m.ageNanos(localNanos) > STALE_MODEL_FACTOR * holdover) {
            return ClockState.HOLDOVER;
        }
        return m.driftKnown() ? ClockState.SYNCED : ClockState.SYNCING;
    }

    private ClockModel require() {
        ClockModel m = snapshot.model();
        if (m == null) {
            throw new IllegalStateException("clock not synchronised yet: no usable exchange with the reference");
        }
        return m;
    }
}
