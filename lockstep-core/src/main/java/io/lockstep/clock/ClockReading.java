package io.lockstep.clock;

/**
 * One consistent reading of a {@link SyncedClock}: the reference time, its bound, the offset,
 * drift and state, all computed from the same model at the same local instant, so a time is
 * never paired with the bound of another model. {@link ClockView#readingAt} also gives one while
 * the clock is {@link ClockState#UNSYNCED}: then only {@code localNanos} and {@code state} mean
 * anything. Immutable.
 *
 * <p>Sign: {@code offsetNanos = local − reference}, so {@code referenceNanos = localNanos − offsetNanos}.
 *
 * @param localNanos      local wall time of the reading (ns since the Unix epoch)
 * @param referenceNanos  reference wall time at that instant (ns since the Unix epoch)
 * @param errorBoundNanos the true reference time lies within {@code referenceNanos ± errorBoundNanos}
 * @param offsetNanos     {@code local − reference} at that instant
 * @param driftPpm        how fast the reference runs relative to the local clock (positive: reference fast)
 * @param state           how far the clock can be trusted at that instant
 * @param segment         the model's segment (a new one after each detected step of the reference)
 * @param sampleAgeNanos  how long before {@code localNanos} the model's newest sample was taken;
 *                        −1 while unsynced
 */
public record ClockReading(long localNanos, long referenceNanos, long errorBoundNanos, long offsetNanos,
                           double driftPpm, ClockState state, int segment, long sampleAgeNanos) {
}
