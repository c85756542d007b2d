package io.lockstep.schedule;

/**
 * What a {@link Scheduler} runs at an instant. It runs on the scheduler's one thread, so it need
 * not be thread-safe unless shared with other threads, and it should return quickly (start a
 * process, write a line or a file): a slow action delays the firings behind it, and those report
 * the delay as lateness.
 */
@FunctionalInterface
public interface Action {

    /**
     * Runs the action.
     *
     * @param scheduledReferenceNanos the reference instant this run was scheduled for (the tick's
     *                                instant for a periodic job)
     * @throws Exception when the action failed; the firing is then reported as
     *                   {@link Firing.Outcome#FAILED} with the exception's message
     */
    void run(long scheduledReferenceNanos) throws Exception;
}
