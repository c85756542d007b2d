package io.lockstep.fleet.action;

import java.util.Locale;

/**
 * What an action does at its instant, as named in the second column of an actions file.
 * Immutable.
 */
public enum ActionKind {
    /** Starts a program at the instant: {@code NAME exec PROGRAM ARG...}. Costs a process start (milliseconds). */
    EXEC,
    /**
     * Writes one line to the stdin of a program the agent started at launch:
     * {@code NAME line PROGRAM ARG...}. Costs a pipe write (microseconds).
     */
    LINE,
    /** Writes a value to a file, e.g. a GPIO sysfs value file: {@code NAME write PATH VALUE}. */
    WRITE,
    /**
     * Like {@link #LINE}, but only periodically: a trigger naming it must say {@code every}, and
     * each tick is placed at a multiple of the period on the reference clock:
     * {@code NAME tick PROGRAM ARG...}.
     */
    TICK;

    /** The kind as written in an actions file. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the agent starts this action's program at launch and keeps it running. */
    public boolean longRunning() {
        return this == LINE || this == TICK;
    }
}
