package io.lockstep.testkit;

import io.lockstep.estimate.TimeSample;

/**
 * One attempted exchange of a simulated scenario with the truth at that moment. Immutable.
 *
 * @param sample          the exchange, or null when it was dropped
 * @param localWallNanos  local time of the exchange's midpoint (of the attempt when dropped)
 * @param trueOffsetNanos true {@code local − remote} at that moment
 * @param trueDriftPpm    true rate of change of the offset, in ppm
 */
public record ScenarioSample(TimeSample sample, long localWallNanos, long trueOffsetNanos, double trueDriftPpm) {

    /** True when the exchange failed. */
    public boolean dropped() {
        return sample == null;
    }
}
