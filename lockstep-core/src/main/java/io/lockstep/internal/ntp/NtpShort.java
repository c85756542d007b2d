package io.lockstep.internal.ntp;

/**
 * The NTP 32-bit short format (RFC 5905 §6): an unsigned 16.16 fixed-point number of seconds,
 * used for root delay and root dispersion. Resolution about 15.3 µs, range up to 65536 s.
 * Immutable.
 *
 * @param bits the raw 32-bit wire value
 */
public record NtpShort(int bits) {

    /** Zero seconds. */
    public static final NtpShort ZERO = new NtpShort(0);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * The short value closest to {@code nanos}, rounded up so that a bound written in this
     * format is never smaller than the bound it came from; negative values become zero and
     * values beyond the range saturate at the maximum.
     */
    public static NtpShort fromNanos(long nanos) {
        if (nanos <= 0) {
            return ZERO;
        }
        if (nanos >= 65_536L * NANOS_PER_SECOND) {
            return new NtpShort(0xFFFF_FFFF);
        }
        // nanos < 2^46, so nanos << 16 fits in a long.
        long units = ((nanos << 16) + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
        return new NtpShort((int) Math.min(units, 0xFFFF_FFFFL));
    }

    /** The unsigned raw value. */
    public long unsignedBits() {
        return bits & 0xFFFF_FFFFL;
    }

    /** The value in ns, rounded to nearest. */
    public long toNanos() {
        return (unsignedBits() * NANOS_PER_SECOND + (1L << 15)) >>> 16;
    }

    @Override
    public String toString() {
        return String.format("%.6fs", unsignedBits() / 65536.0);
    }
}
