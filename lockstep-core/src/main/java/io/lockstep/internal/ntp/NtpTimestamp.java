package io.lockstep.internal.ntp;

/**
 * An NTP 64-bit timestamp (RFC 5905 §6): 32 bits of seconds since 1900-01-01T00:00:00Z and 32
 * bits of binary fraction (about 0.23 ns), as carried on the wire. Immutable.
 *
 * <p>The seconds field wraps every 2^32 s (136 years); the first wrap, the "2036 rollover", is at
 * 2036-02-07T06:28:16Z. A timestamp alone therefore names an instant only up to its era, so
 * conversion to wall time takes a pivot (usually the local clock) and picks the era that puts
 * the instant within ±68 years of it, as RFC 5905 recommends. Conversions to and from wall
 * nanoseconds round to the nearest unit; because a fraction unit is smaller than a nanosecond,
 * wall ns → timestamp → wall ns returns exactly the value put in.
 *
 * @param bits the raw 64-bit wire value (seconds in the high half, fraction in the low half)
 */
public record NtpTimestamp(long bits) {

    /** The all-zero timestamp, which NTP uses for "not set". */
    public static final NtpTimestamp ZERO = new NtpTimestamp(0);

    /** Seconds from the NTP prime epoch (1900) to the Unix epoch (1970). */
    public static final long UNIX_EPOCH_NTP_SECONDS = 2_208_988_800L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long ERA_SECONDS = 1L << 32;

    /** The timestamp of the wall instant {@code wallNanos} (UTC ns since the Unix epoch). */
    public static NtpTimestamp fromWallNanos(long wallNanos) {
        long unixSeconds = Math.floorDiv(wallNanos, NANOS_PER_SECOND);
        long nanos = Math.floorMod(wallNanos, NANOS_PER_SECOND);
        long ntpSeconds = unixSeconds + UNIX_EPOCH_NTP_SECONDS;
        // nanos < 2^30, so nanos << 32 fits; the rounded fraction stays below 2^32 for nanos < 1e9.
        long fraction = ((nanos << 32) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
        return new NtpTimestamp((ntpSeconds << 32) | fraction);
    }

    /** A timestamp from its two wire halves. */
    public static NtpTimestamp of(long seconds, long fraction) {
        return new NtpTimestamp(((seconds & 0xFFFF_FFFFL) << 32) | (fraction & 0xFFFF_FFFFL));
    }

    /** The seconds field, unsigned (0 … 2^32−1). */
    public long seconds() {
        return bits >>> 32;
    }

    /** The fraction field, unsigned, in units of 2^−32 s. */
    public long fraction() {
        return bits & 0xFFFF_FFFFL;
    }

    /** True for the all-zero "not set" value. */
    public boolean isZero() {
        return bits == 0;
    }

    /**
     * The wall instant (UTC ns since the Unix epoch) this timestamp names in the era closest to
     * {@code pivotWallNanos}: the result lies within 2^31 s of the pivot.
     */
    public long toWallNanos(long pivotWallNanos) {
        long pivotNtpSeconds = Math.floorDiv(pivotWallNanos, NANOS_PER_SECOND) + UNIX_EPOCH_NTP_SECONDS;
        // The signed 32-bit difference of the wire seconds and the pivot's wire seconds is the
        // step from the pivot to the nearest instant with those wire seconds.
        int delta = (int) (seconds() - (pivotNtpSeconds & 0xFFFF_FFFFL));
        long ntpSeconds = pivotNtpSeconds + delta;
        return (ntpSeconds - UNIX_EPOCH_NTP_SECONDS) * NANOS_PER_SECOND + fractionNanos();
    }

    /**
     * The wall instant by the RFC 4330 rule for clients without a better pivot: a set high bit
     * means era 0 (1968–2036), a clear one era 1 (2036–2104).
     */
    public long toWallNanos() {
        long ntpSeconds = seconds() + ((bits < 0) ? 0 : ERA_SECONDS);
        return (ntpSeconds - UNIX_EPOCH_NTP_SECONDS) * NANOS_PER_SECOND + fractionNanos();
    }

    /** The fraction in ns, rounded to nearest (0 … 1e9; 1e9 only for fractions within 0.12 ns of a second). */
    public long fractionNanos() {
        return (fraction() * NANOS_PER_SECOND + (1L << 31)) >>> 32;
    }

    @Override
    public String toString() {
        return String.format("%08x.%08x", seconds(), fraction());
    }
}
