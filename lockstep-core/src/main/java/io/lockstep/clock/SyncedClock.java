package io.lockstep.clock;

import io.lockstep.time.TimeSource;

/**
 * The reference clock as seen from this host: the local clock corrected by the latest
 * offset-and-drift model. It reads the reference time, converts instants between the local
 * and the reference clock, and says how wrong it may be right now; through an outage it keeps
 * predicting from the last model while the error bound grows with the time since the last
 * exchange and the drift's uncertainty. It never changes the system clock.
 *
 * <p>Thread-safe and lock-free: the model, the time of the last contact and the holdover
 * threshold live together in one immutable {@link ClockView} behind a volatile field.
 * {@link #read()} takes one view and one local clock reading and computes everything from them,
 * so the time, bound, drift and state it returns always belong together; code that asks several
 * questions takes one {@link #view()} and asks it, rather than calling {@link #nowNanos()} and
 * {@link #errorBoundNanos()} one after the other, which may see two different models.
 *
 * <p>Only the holder of the clock's {@link Feed} (the tracker that created it) can publish
 * models: readers cannot.
 *
 * <p>Sign: {@code offset = local − reference}, so {@code reference = local − offset}.
 */
public final class SyncedClock {

    /** The model counts as stale when its newest sample is this many holdover thresholds old. */
    public static final int STALE_MODEL_FACTOR = ClockView.STALE_MODEL_FACTOR;

    private final TimeSource local;
    private volatile ClockView view;

    private SyncedClock(TimeSource local, long holdoverAfterNanos) {
        if (holdoverAfterNanos <= 0) {
            throw new IllegalArgumentException("holdover threshold must be positive");
        }
        this.local = local;
        this.view = ClockView.of(null, Long.MIN_VALUE, holdoverAfterNanos);
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
            clock.view = clock.view.withModel(model);
        }

        /** Records that the reference answered at local time {@code localNanos} (even if the answer was not used). */
        public void contact(long localNanos) {
            clock.view = clock.view.withContact(localNanos);
        }

        /**
         * Changes how long without an answer the clock counts as in holdover (a tracker that was
         * told to poll less often waits longer between answers).
         */
        public void holdoverAfterNanos(long nanos) {
            if (nanos <= 0) {
                throw new IllegalArgumentException("holdover threshold must be positive");
            }
            clock.view = clock.view.withHoldover(nanos);
        }

        /** Publishes a new model and the contact that produced it in one step. */
        public void publish(ClockModel model, long contactLocalNanos) {
            clock.view = clock.view.withModel(model).withContact(contactLocalNanos);
        }
    }

    /**
     * The clock's current snapshot: ask it everything that must come from one model (the
     * reading, conversions both ways, the bound and the state at any local instant).
     */
    public ClockView view() {
        return view;
    }

    /**
     * Everything about the clock at this instant, from one model.
     *
     * @throws IllegalStateException while {@link ClockState#UNSYNCED}
     */
    public ClockReading read() {
        ClockView v = view;
        long localNanos = local.wallNanos();
        if (!v.hasModel()) {
            throw new IllegalStateException("clock not synchronised yet: no usable exchange with the reference");
        }
        return v.readingAt(localNanos);
    }

    /** The local clock this clock corrects (the one its models' local times are read from). */
    public TimeSource localSource() {
        return local;
    }

    /** The current model, or null while {@link ClockState#UNSYNCED}. */
    public ClockModel model() {
        return view.model();
    }

    /** The state at this moment. */
    public ClockState state() {
        return view.stateAt(local.wallNanos());
    }

    /** Reference wall time now, in ns since the Unix epoch. */
    public long nowNanos() {
        return toReference(local.wallNanos());
    }

    /** The reference time corresponding to local wall time {@code localNanos}. */
    public long toReference(long localNanos) {
        return view.toReference(localNanos);
    }

    /** The local wall time at which the reference clock reads {@code referenceNanos}. */
    public long toLocal(long referenceNanos) {
        return view.toLocal(referenceNanos);
    }

    /** Offset {@code local − reference} now, in ns. */
    public long offsetNanos() {
        return view.offsetAt(local.wallNanos());
    }

    /** The truth lies within {@link #nowNanos()} ± this, in ns; {@link Long#MAX_VALUE} while unsynced. */
    public long errorBoundNanos() {
        return view.errorBoundAt(local.wallNanos());
    }

    /**
     * How fast the reference runs relative to the local clock, in ppm (positive: the reference
     * runs fast, as {@code serve --simulate-drift}); the offset changes at minus this rate. NaN
     * while unsynced.
     */
    public double driftPpm() {
        return view.driftPpm();
    }
}
