package io.lockstep.fleet;

import java.util.Locale;

/**
 * A device's part in a firing of {@code fleet fire}, as the monitor sees it: the states its row
 * can be in, from the agent's acknowledgement to its final report. Written in output by
 * {@link #word()} ({@code fired}, {@code refused}, ...). Immutable.
 */
public enum FiringState {
    /** The agent accepted the trigger and has not reported every firing yet; never final. */
    SCHEDULED,
    /** Every firing ran and succeeded. */
    FIRED,
    /** The agent refused the trigger (signature, replay, bound, ...). */
    REFUSED,
    /** Some firing did not run or failed, or the agent's answer was not one. */
    FAILED,
    /** No readable answer in time (refused connection, silence, trickle, flood). */
    UNREACHABLE,
    /** Not an agent: only agents fire actions. */
    SKIPPED;

    /** The word in output and JSON: the name in lower case. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
