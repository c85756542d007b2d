package io.lockstep.sim;

import io.lockstep.protocol.TimeSample;

/**
 * One attempted exchange of a simulated scenario with the truth at that moment. Immutable.
 *
 * @param sample                the exchange, or null when it was dropped
 * @param localWallNanos        local time of the exchange's midpoint (of the attempt when dropped)
 * @param trueOffsetNanos       true {@code local − remote} at that moment
 * @param trueRemoteDriftPpm    how fast the remote clock truly runs relative to the local one at
 *                              that moment, in ppm: positive when the remote runs fast, the meaning
 *                              of {@code ClockModel.remoteDriftPpm()} and {@code SyncedClock.driftPpm()}
 *                              (the offset then falls at this rate)
 */
public record ScenarioSample(TimeSample sample, long localWallNanos, long trueOffsetNanos,
                             double trueRemoteDriftPpm) {

    /** True when the exchange failed. */
    public boolean dropped() {
        return sample == null;
    }
}
