package io.lockstep.schedule;

/**
 * Thrown when a {@link Scheduler} refuses a job up front: the clock cannot be trusted, its bound
 * at the instant exceeds the caller's limit, the instant has passed, or the scheduler is closed.
 * The message is one line fit for a CLI error or an HTTP refusal; {@link #reason()} is for code.
 * Immutable.
 */
public final class ScheduleRefusedException extends Exception {

    /** Why a job was refused. */
    public enum Reason {
        /** The clock is not {@link io.lockstep.clock.ClockState#SYNCED}. */
        NOT_SYNCED,
        /** The clock's predicted error bound at the instant exceeds the caller's limit. */
        BOUND_TOO_LARGE,
        /** The instant is not in the future. */
        INSTANT_PAST,
        /** The scheduler was closed. */
        CLOSED
    }

    private final Reason reason;

    public ScheduleRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the job was refused. */
    public Reason reason() {
        return reason;
    }
}
