package io.lockstep.clock;


/**
 * One sampling step of a tracker, as shown on the live status line and written as one row of
 * the {@link io.lockstep.log.OffsetLog}. Immutable.
 *
 * @param localNanos          local wall time of the exchange's midpoint (of the attempt when dropped)
 * @param referenceNanos      reference time at that instant by the model after this sample
 * @param roundTripNanos      the exchange's round trip; -1 when dropped
 * @param rawOffsetNanos      the exchange's own offset {@code local − reference}; 0 when dropped
 * @param filteredOffsetNanos the model's offset at {@code localNanos}; 0 while unsynced
 * @param errorBoundNanos     the model's error bound there; -1 while unsynced
 * @param driftPpm            how fast the remote runs relative to the local clock (ppm, positive =
 *                            remote fast; the offset changes at minus this); NaN while unsynced
 * @param state               the clock's state after this sample
 * @param verdict             what the estimator made of the exchange
 * @param segment             segment number (a new one after each detected step or restart)
 * @param resolutionNanos     resolution of the remote stamps
 */
public record TrackRecord(long localNanos, long referenceNanos, long roundTripNanos, long rawOffsetNanos,
                          long filteredOffsetNanos, long errorBoundNanos, double driftPpm, ClockState state,
                          SampleVerdict verdict, int segment, long resolutionNanos) {

    /** True when the exchange produced a sample (it was not dropped). */
    public boolean hasSample() {
        return verdict != SampleVerdict.DROPPED;
    }
}
