package io.lockstep.neon;

/**
 * The offset of a phone's clock at one local instant, with its bound and where it came from.
 * Immutable.
 *
 * <p>Sign as everywhere in Lockstep: {@code offsetNanos = local − phone}, so
 * {@code phone_time = local_time − offset} (the Pupil Labs documentation's
 * {@code companion_app_time = external_clock_time − offset}).
 *
 * @param localWallNanos  the local instant this offset applies to
 * @param offsetNanos     {@code local − phone} at that instant
 * @param errorBoundNanos the true offset lies within {@code offsetNanos ± errorBoundNanos}
 * @param source          where the offset came from, for people ({@code tracker}, {@code log FILE},
 *                        {@code time-echo burst}, ...)
 */
public record PhoneOffset(long localWallNanos, long offsetNanos, long errorBoundNanos, String source) {

    /** The phone's clock reading at {@code localWallNanos}: {@code local − offset}. */
    public long phoneNanos() {
        return localWallNanos - offsetNanos;
    }
}
