package io.lockstep.internal.ntp;

import java.nio.charset.StandardCharsets;

/**
 * The 48-byte NTP header of versions 3 and 4 (RFC 1305, RFC 5905 §7.3), field by field as on the
 * wire. Extension fields and MACs that may follow are not part of this record. Immutable.
 *
 * <p>Timestamps are kept in NTP format here; {@link NtpTimestamp#toWallNanos(long)} moves them
 * into Lockstep's wall domain. Offsets are not computed here: NTP's θ has the opposite sign of
 * Lockstep's {@code offset = local − remote}, and that conversion happens in the client.
 *
 * @param leapIndicator      0 none, 1 last minute has 61 s, 2 last minute has 59 s, 3 unsynchronised
 * @param version            protocol version (3 or 4 in practice; 0–7 on the wire)
 * @param mode               3 client, 4 server, others (1, 2, 5, 6, 7) are not served by Lockstep
 * @param stratum            0 kiss-o'-death/unspecified, 1 primary, 2–15 secondary, 16 unsynchronised
 * @param poll               log2 of the poll interval in seconds (signed)
 * @param precision          log2 of the clock's precision in seconds (signed, e.g. −24 ≈ 60 ns)
 * @param rootDelay          round trip to the primary reference
 * @param rootDispersion     error accumulated up to the primary reference
 * @param referenceId        raw 32-bit reference ID (an ASCII code for stratum 0 and 1, an address otherwise)
 * @param referenceTimestamp when the system clock was last set or corrected
 * @param originTimestamp    in a reply: the request's transmit timestamp, copied
 * @param receiveTimestamp   when the request arrived at the server
 * @param transmitTimestamp  when this packet left its sender
 */
public record NtpPacket(int leapIndicator, int version, int mode, int stratum, int poll, int precision,
                        NtpShort rootDelay, NtpShort rootDispersion, int referenceId,
                        NtpTimestamp referenceTimestamp, NtpTimestamp originTimestamp,
                        NtpTimestamp receiveTimestamp, NtpTimestamp transmitTimestamp) {

    /** Size of the header on the wire. */
    public static final int HEADER_BYTES = 48;
    /** Mode of a client request. */
    public static final int MODE_CLIENT = 3;
    /** Mode of a server reply. */
    public static final int MODE_SERVER = 4;
    /** Leap indicator: no warning. */
    public static final int LEAP_NONE = 0;
    /** Leap indicator: clock unsynchronised. */
    public static final int LEAP_UNSYNCHRONIZED = 3;
    /** Stratum of a kiss-o'-death packet. */
    public static final int STRATUM_KISS = 0;
    /** Stratum meaning "unsynchronised" (RFC 5905 MAXSTRAT). */
    public static final int STRATUM_UNSYNCHRONIZED = 16;

    public NtpPacket {
        checkRange("leap indicator", leapIndicator, 0, 3);
        checkRange("version", version, 0, 7);
        checkRange("mode", mode, 0, 7);
        checkRange("stratum", stratum, 0, 255);
        checkRange("poll", poll, -128, 127);
        checkRange("precision", precision, -128, 127);
        if (rootDelay == null || rootDispersion == null || referenceTimestamp == null || originTimestamp == null
                || receiveTimestamp == null || transmitTimestamp == null) {
            throw new IllegalArgumentException("NTP packet fields must not be null");
        }
    }

    /**
     * A client request (mode 3) as a careful client sends it: everything zero except version,
     * mode, poll and the transmit timestamp.
     */
    public static NtpPacket clientRequest(int version, int poll, NtpTimestamp transmitTimestamp) {
        return new NtpPacket(LEAP_NONE, version, MODE_CLIENT, 0, poll, 0, NtpShort.ZERO, NtpShort.ZERO, 0,
                NtpTimestamp.ZERO, NtpTimestamp.ZERO, NtpTimestamp.ZERO, transmitTimestamp);
    }

    /** True for a kiss-o'-death reply: a server packet with stratum 0 (RFC 5905 §7.4). */
    public boolean isKissOfDeath() {
        return mode == MODE_SERVER && stratum == STRATUM_KISS;
    }

    /**
     * The kiss code of a kiss-o'-death packet ({@code RATE}, {@code DENY}, {@code RSTR}, …), or
     * {@code null} if this is not one.
     */
    public String kissCode() {
        return isKissOfDeath() ? referenceIdText() : null;
    }

    /** The reference ID read as up to four ASCII characters (trailing NULs dropped, others as '?'). */
    public String referenceIdText() {
        return asciiCode(referenceId);
    }

    /** A reference ID from an ASCII code of up to four characters, NUL-padded (e.g. {@code "RATE"}). */
    public static int referenceIdOf(String code) {
        byte[] b = code.getBytes(StandardCharsets.US_ASCII);
        if (b.length > 4) {
            throw new IllegalArgumentException("reference ID code longer than 4 characters: " + code);
        }
        int id = 0;
        for (int i = 0; i < 4; i++) {
            id = (id << 8) | (i < b.length ? (b[i] & 0xFF) : 0);
        }
        return id;
    }

    private static String asciiCode(int id) {
        StringBuilder sb = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (id >>> shift) & 0xFF;
            if (c == 0) {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " out of range " + min + ".." + max);
        }
    }
}
