package io.lockstep.schedule;

import io.lockstep.clock.ClockState;

/**
 * What happened at one scheduled instant: when the scheduler ran the action (or decided not to),
 * in local and in reference time, how sure it was of that reference time, and how late it was.
 * Immutable; the public record a firing log is made of.
 *
 * <p>The times are read immediately before the action was called (after the final spin), so
 * they include the scheduler's own lateness but not the action's run time. For outcomes where
 * the action did not run ({@link Outcome#MISSED}, {@link Outcome#REFUSED},
 * {@link Outcome#CANCELLED}) they are the instant the scheduler decided so.
 *
 * @param tick                    0 for a one-shot job; for a periodic job the {@code k} of the
 *                                tick at {@code k·period + phase}
 * @param scheduledReferenceNanos the reference instant asked for (wall ns since the Unix epoch)
 * @param scheduledLocalNanos     the local wall time that instant converted to, by the latest model
 *                                before firing
 * @param actualLocalNanos        the local wall time when the action was called
 * @param actualReferenceNanos    the reference time at that instant, by the latest model
 * @param errorBoundNanos         the true reference time of the firing lies within
 *                                {@code actualReferenceNanos ± errorBoundNanos}
 * @param latenessNanos           {@code actualReferenceNanos − scheduledReferenceNanos}
 * @param state                   the clock's state at the firing (a scheduler on a plain local
 *                                clock, which is its own reference, says {@link ClockState#SYNCED})
 * @param outcome                 what happened
 * @param detail                  why, for anything but {@link Outcome#FIRED}; empty otherwise
 */
public record Firing(long tick, long scheduledReferenceNanos, long scheduledLocalNanos, long actualLocalNanos,
                     long actualReferenceNanos, long errorBoundNanos, long latenessNanos, ClockState state,
                     Outcome outcome, String detail) {

    /** What became of one scheduled instant. */
    public enum Outcome {
        /** The action ran and returned normally. */
        FIRED,
        /** The action ran and threw; {@code detail} says what. */
        FAILED,
        /** A periodic tick that the scheduler reached too late (half a period or more) and skipped to stay in phase. */
        MISSED,
        /** The clock could not be trusted enough at the instant (state or bound); the action did not run. */
        REFUSED,
        /** Cancelled before it fired. */
        CANCELLED
    }

    /** True when the action was called ({@link Outcome#FIRED} or {@link Outcome#FAILED}). */
    public boolean ran() {
        return outcome == Outcome.FIRED || outcome == Outcome.FAILED;
    }
}
