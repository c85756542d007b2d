package io.lockstep.bench;

import io.lockstep.protocol.TimeSample;

/**
 * One way of turning a stream of exchanges into offset predictions, as compared by the
 * tracking benchmark. Not thread-safe.
 */
interface OffsetPredictor {

    /** Short name for the table. */
    String name();

    /** Feeds one exchange (never a dropped one). */
    void add(TimeSample sample);

    /** True once the method has produced an estimate. */
    boolean ready();

    /** Predicted {@code local − remote} at local time {@code localNanos}. */
    long offsetAtNanos(long localNanos);

    /**
     * How fast the method believes the remote clock runs relative to the local one (ppm,
     * positive when the remote runs fast, as {@code SyncedClock.driftPpm()}); 0 for methods
     * without a drift model.
     */
    double remoteDriftPpm();

    /** How many clock steps the method has detected so far, or -1 when it does not look for steps. */
    default int stepsDetected() {
        return -1;
    }

    /** Error bound the method claims at {@code localNanos}, or -1 when it claims none. */
    default long errorBoundAtNanos(long localNanos) {
        return -1;
    }
}
