package io.lockstep.internal.ntp;

import java.nio.ByteBuffer;

/**
 * Encodes and decodes NTP packets between {@link NtpPacket} and byte buffers; no sockets. The
 * decoder accepts versions 3 and 4 (and reads others the same way, leaving the decision to the
 * caller), skips RFC 7822 extension fields and a trailing MAC or crypto-NAK, and rejects
 * everything else with {@link NtpDecodeException} — never another exception, whatever the
 * bytes. Stateless and thread-safe.
 *
 * <p>All reads and writes are absolute and big-endian regardless of the buffer's byte order.
 */
public final class NtpCodec {

    /** Offset of the poll field in the header. */
    public static final int POLL_OFFSET = 2;
    /** Offset of the reference timestamp in the header. */
    public static final int REFERENCE_TIMESTAMP_OFFSET = 16;
    /** Offset of the origin timestamp in the header. */
    public static final int ORIGIN_TIMESTAMP_OFFSET = 24;
    /** Offset of the receive timestamp in the header. */
    public static final int RECEIVE_TIMESTAMP_OFFSET = 32;
    /** Offset of the transmit timestamp in the header, for servers that stamp it just before sending. */
    public static final int TRANSMIT_TIMESTAMP_OFFSET = 40;

    /** Smallest extension field (RFC 7822 §3). */
    private static final int MIN_EXTENSION_BYTES = 16;
    /** MAC sizes after the header: key ID plus MD5 (16) or SHA-1 (20) digest, and a 4-byte crypto-NAK. */
    private static final int MAC_MD5_BYTES = 20;
    private static final int MAC_SHA1_BYTES = 24;
    private static final int CRYPTO_NAK_BYTES = 4;

    private NtpCodec() {
    }

    /**
     * Decodes the datagram between {@code buf}'s position and limit, and moves the position to
     * the limit.
     *
     * @throws NtpDecodeException when the bytes are not a well-formed NTP packet
     */
    public static NtpPacket decode(ByteBuffer buf) throws NtpDecodeException {
        check(buf);
        int start = buf.position();
        int length = buf.remaining();
        int b0 = buf.get(start) & 0xFF;
        NtpPacket p = new NtpPacket(
                b0 >>> 6, (b0 >>> 3) & 0x7, b0 & 0x7,
                buf.get(start + 1) & 0xFF, buf.get(start + 2), buf.get(start + 3),
                new NtpShort(getInt(buf, start + 4)), new NtpShort(getInt(buf, start + 8)),
                getInt(buf, start + 12),
                new NtpTimestamp(getLong(buf, start + 16)), new NtpTimestamp(getLong(buf, start + 24)),
                new NtpTimestamp(getLong(buf, start + 32)), new NtpTimestamp(getLong(buf, start + 40)));
        buf.position(start + length);
        return p;
    }

    /**
     * Checks, without decoding or allocating, that the datagram between {@code buf}'s position
     * and limit is a well-formed NTP packet ({@link #decode} would accept it); the position does
     * not move. Servers use it on their hot path and then read single fields by offset.
     *
     * @throws NtpDecodeException when {@link #decode} would throw
     */
    public static void check(ByteBuffer buf) throws NtpDecodeException {
        int length = buf.remaining();
        if (length < NtpPacket.HEADER_BYTES) {
            throw new NtpDecodeException("NTP packet too short: " + length + " bytes, need " + NtpPacket.HEADER_BYTES);
        }
        if (length > NtpPacket.HEADER_BYTES) {
            checkTrailer(buf, buf.position() + NtpPacket.HEADER_BYTES, length - NtpPacket.HEADER_BYTES);
        }
    }

    /** Decodes a whole byte array; see {@link #decode(ByteBuffer)}. */
    public static NtpPacket decode(byte[] datagram) throws NtpDecodeException {
        return decode(ByteBuffer.wrap(datagram));
    }

    /**
     * Writes the 48-byte header at {@code buf}'s position and advances it.
     *
     * @throws java.nio.BufferOverflowException if fewer than 48 bytes remain
     */
    public static void encode(NtpPacket p, ByteBuffer buf) {
        if (buf.remaining() < NtpPacket.HEADER_BYTES) {
            throw new java.nio.BufferOverflowException();
        }
        int s = buf.position();
        buf.put(s, (byte) ((p.leapIndicator() << 6) | (p.version() << 3) | p.mode()));
        buf.put(s + 1, (byte) p.stratum());
        buf.put(s + 2, (byte) p.poll());
        buf.put(s + 3, (byte) p.precision());
        putInt(buf, s + 4, p.rootDelay().bits());
        putInt(buf, s + 8, p.rootDispersion().bits());
        putInt(buf, s + 12, p.referenceId());
        putLong(buf, s + 16, p.referenceTimestamp().bits());
        putLong(buf, s + 24, p.originTimestamp().bits());
        putLong(buf, s + 32, p.receiveTimestamp().bits());
        putLong(buf, s + 40, p.transmitTimestamp().bits());
        buf.position(s + NtpPacket.HEADER_BYTES);
    }

    /** Encodes into a new 48-byte array. */
    public static byte[] encode(NtpPacket p) {
        byte[] out = new byte[NtpPacket.HEADER_BYTES];
        encode(p, ByteBuffer.wrap(out));
        return out;
    }


    /** Writes a raw 64-bit timestamp at {@code index}, big-endian. */
    public static void putTimestampBits(ByteBuffer buf, int index, long bits) {
        putLong(buf, index, bits);
    }

    /** Reads a raw 64-bit timestamp at {@code index}, big-endian. */
    public static long getTimestampBits(ByteBuffer buf, int index) {
        return getLong(buf, index);
    }

    /**
     * Walks what follows the header: zero or more extension fields (type, length ≥ 16, a
     * multiple of 4, within the datagram), then nothing, a crypto-NAK or a MAC. Extension field
     * contents are not interpreted; Lockstep does not use NTS or Autokey.
     */
    private static void checkTrailer(ByteBuffer buf, int pos, int remaining) throws NtpDecodeException {
        // A remainder that could be a MAC is taken as one (RFC 7822 §7.5: the last extension field
        // must be longer than the longest MAC so the two cannot be confused).
        while (remaining > MAC_SHA1_BYTES) {
            int fieldLength = ((buf.get(pos + 2) & 0xFF) << 8) | (buf.get(pos + 3) & 0xFF);
            if (fieldLength < MIN_EXTENSION_BYTES || fieldLength % 4 != 0) {
                throw new NtpDecodeException("malformed NTP extension field length " + fieldLength);
            }
            if (fieldLength > remaining) {
                throw new NtpDecodeException("NTP extension field of " + fieldLength + " bytes overruns the datagram ("
                        + remaining + " left)");
            }
            pos += fieldLength;
            remaining -= fieldLength;
        }
        if (remaining == 0 || remaining == CRYPTO_NAK_BYTES || remaining == MAC_MD5_BYTES
                || remaining == MAC_SHA1_BYTES) {
            return;
        }
        // Otherwise only a last, minimal 16-byte extension field without a MAC remains valid.
        if (remaining != MIN_EXTENSION_BYTES
                || (((buf.get(pos + 2) & 0xFF) << 8) | (buf.get(pos + 3) & 0xFF)) != MIN_EXTENSION_BYTES) {
            throw new NtpDecodeException("malformed NTP trailer of " + remaining + " bytes after the header");
        }
    }

    private static int getInt(ByteBuffer b, int i) {
        return ((b.get(i) & 0xFF) << 24) | ((b.get(i + 1) & 0xFF) << 16) | ((b.get(i + 2) & 0xFF) << 8)
                | (b.get(i + 3) & 0xFF);
    }

    private static long getLong(ByteBuffer b, int i) {
        return ((long) getInt(b, i) << 32) | (getInt(b, i + 4) & 0xFFFF_FFFFL);
    }

    private static void putInt(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 24));
        b.put(i + 1, (byte) (v >>> 16));
        b.put(i + 2, (byte) (v >>> 8));
        b.put(i + 3, (byte) v);
    }

    private static void putLong(ByteBuffer b, int i, long v) {
        putInt(b, i, (int) (v >>> 32));
        putInt(b, i + 4, (int) v);
    }
}
