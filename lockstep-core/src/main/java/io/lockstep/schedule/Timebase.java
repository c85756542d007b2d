package io.lockstep.schedule;

import io.lockstep.clock.ClockView;
import io.lockstep.clock.SyncedClock;
import io.lockstep.time.TimeSource;

/**
 * Where a {@link Scheduler}'s instants come from: a {@link SyncedClock} (reference time through
 * its current {@link ClockView}) or a plain local clock (which is its own reference). The
 * scheduler converts several times through one view and notices, by identity, when the clock
 * has published a new one. Thread-safe: both kinds only hand out immutable views.
 */
sealed interface Timebase {

    /** The clock that is read and waited on. */
    TimeSource local();

    /** The current view (compare by identity); {@link ClockView#hasModel()} is false while unsynced. */
    ClockView view();

    /** Reference time through a synced clock's view. */
    record Synced(SyncedClock clock) implements Timebase {
        @Override
        public TimeSource local() {
            return clock.localSource();
        }

        @Override
        public ClockView view() {
            return clock.view();
        }
    }

    /** A plain local clock: reference time is its own wall time, the bound its own uncertainty. */
    record Local(TimeSource local, ClockView view) implements Timebase {
        Local(TimeSource local) {
            this(local, ClockView.local(local));
        }
    }
}
