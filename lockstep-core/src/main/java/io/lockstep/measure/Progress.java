package io.lockstep.measure;

/**
 * Receives progress of a long measurement so a front end can show it. Called on the measuring
 * thread; implementations must be quick and need not be thread-safe.
 */
@FunctionalInterface
public interface Progress {

    /** No progress reporting. */
    Progress NONE = (done, total) -> { };

    /** {@code done} of {@code total} exchanges have been attempted. */
    void update(int done, int total);
}
