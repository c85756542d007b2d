package io.lockstep.schedule;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SyncedClock;
import io.lockstep.time.TimeSource;

/**
 * Where a {@link Scheduler}'s instants come from: a {@link SyncedClock} (reference time through
 * its latest model) or a plain local clock (which is its own reference). A model is handed out
 * as an opaque token so the scheduler can convert several times through one model and notice,
 * by identity, when a new one is published. Thread-safe: both kinds only read immutable models.
 */
sealed interface Timebase {

    /** The clock that is read and waited on. */
    TimeSource local();

    /** The current model (compare by identity), or null while there is none. */
    Object model();

    /** The local wall time at which the reference reads {@code referenceNanos}, by {@code model}. */
    long toLocal(Object model, long referenceNanos);

    /** The reference time at local wall time {@code localNanos}, by {@code model}. */
    long toReference(Object model, long localNanos);

    /** The error bound of {@link #toReference} at {@code localNanos}. */
    long boundAt(Object model, long localNanos);

    /** The clock's state at {@code localNanos} with {@code model}. */
    ClockState stateAt(Object model, long localNanos);

    /** Reference time through a synced clock's model. */
    record Synced(SyncedClock clock) implements Timebase {
        @Override
        public TimeSource local() {
            return clock.localSource();
        }

        @Override
        public Object model() {
            return clock.model();
        }

        @Override
        public long toLocal(Object model, long referenceNanos) {
            return ((ClockModel) model).toLocalNanos(referenceNanos);
        }

        @Override
        public long toReference(Object model, long localNanos) {
            return ((ClockModel) model).toRemoteNanos(localNanos);
        }

        @Override
        public long boundAt(Object model, long localNanos) {
            return ((ClockModel) model).errorBoundAtNanos(localNanos);
        }

        @Override
        public ClockState stateAt(Object model, long localNanos) {
            return clock.stateAt((ClockModel) model, localNanos);
        }
    }

    /** A plain local clock: reference time is its own wall time, the bound its own uncertainty. */
    record Local(TimeSource local) implements Timebase {
        private static final Object MODEL = new Object();

        @Override
        public Object model() {
            return MODEL;
        }

        @Override
        public long toLocal(Object model, long referenceNanos) {
            return referenceNanos;
        }

        @Override
        public long toReference(Object model, long localNanos) {
            return localNanos;
        }

        @Override
        public long boundAt(Object model, long localNanos) {
            return local.wallUncertaintyNanos();
        }

        @Override
        public ClockState stateAt(Object model, long localNanos) {
            return ClockState.SYNCED;
        }
    }
}
