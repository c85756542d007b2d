package io.lockstep.internal.ntp;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import io.lockstep.internal.RateLimitTable;

/**
 * What an NTP server does with one received datagram, without sockets: drop it as malformed,
 * ignore it (anything but a version 3 or 4 client request: control, private, symmetric and
 * broadcast modes are never answered), answer it, or, for a client over its
 * {@code NtpRateLimit}, send one RATE kiss-o'-death and then stay silent. For an answer it
 * builds the whole reply except the transmit timestamp, which the I/O side writes with
 * {@link #stampTransmit} immediately before the send. Thread-safe: the configuration is
 * immutable and the rate table locks internally.
 *
 * <p>A reply is the bare 48-byte header and a request shorter than that is malformed, so a
 * reply is never larger than its request: the server cannot amplify.
 */
public final class NtpRequestPolicy {

    /** Largest datagram considered; anything longer is malformed (NTP with NTS stays far below). */
    public static final int MAX_DATAGRAM_BYTES = 1500;
    /** How often the reference timestamp moves on, like a local reference being re-read. */
    static final long REFERENCE_REFRESH_NANOS = 16_000_000_000L;
    private static final int RATE_KISS_ID = NtpPacket.referenceIdOf("RATE");

    /** What to do with a datagram. */
    public enum Action {
        /** {@code tx} holds the reply; stamp its transmit time and send it. */
        ANSWER,
        /** {@code tx} holds a RATE kiss-o'-death; send it as it is. */
        KISS,
        /** Over the rate limit and already told: send nothing. */
        RATE_LIMITED,
        /** Well formed but not a client request we answer: send nothing. */
        IGNORED,
        /** Not an NTP packet: send nothing. */
        MALFORMED
    }

    private final int leapIndicator;
    private final int precisionLog2;
    private final RateLimitTable rateTable;
    /** The reply's constant fields (stratum, precision, root delay and dispersion, reference ID), encoded once. */
    private final byte[] replyTemplate;

    /**
     * @param leapIndicator       leap indicator of every reply
     * @param stratum             stratum served
     * @param precisionLog2       precision field (log2 seconds)
     * @param rootDelayNanos      root delay to the reference
     * @param rootDispersionNanos root dispersion
     * @param referenceId         reference ID (e.g. {@code LOCL} as an int)
     * @param rateTable           per-client limit, or null for none (the server builds it from
     *                            its {@code NtpRateLimit}; taking the table keeps this package
     *                            independent of the server's configuration types)
     */
    public NtpRequestPolicy(int leapIndicator, int stratum, int precisionLog2, long rootDelayNanos,
                            long rootDispersionNanos, int referenceId, RateLimitTable rateTable) {
        this.leapIndicator = leapIndicator;
        this.precisionLog2 = precisionLog2;
        this.replyTemplate = NtpCodec.encode(new NtpPacket(leapIndicator, 4, NtpPacket.MODE_SERVER, stratum, 0,
                precisionLog2, NtpShort.fromNanos(rootDelayNanos), NtpShort.fromNanos(rootDispersionNanos),
                referenceId, NtpTimestamp.ZERO, NtpTimestamp.ZERO, NtpTimestamp.ZERO, NtpTimestamp.ZERO));
        this.rateTable = rateTable;
    }

    /** True when {@link #respond} uses its {@code monoNanos} (a rate limit is on); otherwise any value does. */
    public boolean limitsRate() {
        return rateTable != null;
    }

    /**
     * Decides about one datagram and, for {@link Action#ANSWER} and {@link Action#KISS}, writes
     * the reply into {@code tx}, flipped and ready to send.
     *
     * @param rx               the datagram, from its position to its limit (left unchanged)
     * @param from             the sender's address (the rate limit is per address)
     * @param receiveWallNanos the served clock's wall time when the datagram arrived
     * @param monoNanos        a monotonic reading for the rate limit's token buckets (ignored
     *                         unless {@link #limitsRate()})
     * @param tx               room for at least {@link NtpPacket#HEADER_BYTES} bytes
     */
    public Action respond(ByteBuffer rx, InetAddress from, long receiveWallNanos, long monoNanos, ByteBuffer tx) {
        if (rx.remaining() > MAX_DATAGRAM_BYTES) {
            return Action.MALFORMED;
        }
        // The hot path reads the few fields it needs in place instead of decoding the whole
        // request into objects: at hundreds of thousands of requests a second that matters.
        try {
            NtpCodec.check(rx);
        } catch (NtpDecodeException e) {
            return Action.MALFORMED;
        }
        int start = rx.position();
        int first = rx.get(start) & 0xFF;
        int version = (first >>> 3) & 0x7;
        if ((first & 0x7) != NtpPacket.MODE_CLIENT || version < 3 || version > 4) {
            return Action.IGNORED;
        }
        long originBits = NtpCodec.getTimestampBits(rx, start + NtpCodec.TRANSMIT_TIMESTAMP_OFFSET);
        byte poll = rx.get(start + NtpCodec.POLL_OFFSET);
        if (rateTable != null) {
            switch (rateTable.check(from, monoNanos)) {
                case ANSWER -> {
                }
                case KISS -> {
                    writeKiss(version, poll, originBits, tx);
                    return Action.KISS;
                }
                case DROP -> {
                    return Action.RATE_LIMITED;
                }
            }
        }
        long referenceWallNanos = receiveWallNanos - Math.floorMod(receiveWallNanos, REFERENCE_REFRESH_NANOS);
        tx.clear();
        tx.put(replyTemplate);
        tx.put(0, (byte) ((leapIndicator << 6) | (version << 3) | NtpPacket.MODE_SERVER));
        tx.put(NtpCodec.POLL_OFFSET, poll);
        NtpCodec.putTimestampBits(tx, NtpCodec.REFERENCE_TIMESTAMP_OFFSET,
                NtpTimestamp.fromWallNanos(referenceWallNanos).bits());
        // The origin is the request's transmit timestamp, verbatim: the client may have put a random value there.
        NtpCodec.putTimestampBits(tx, NtpCodec.ORIGIN_TIMESTAMP_OFFSET, originBits);
        NtpCodec.putTimestampBits(tx, NtpCodec.RECEIVE_TIMESTAMP_OFFSET,
                NtpTimestamp.fromWallNanos(receiveWallNanos).bits());
        tx.flip();
        return Action.ANSWER;
    }

    /** Writes the transmit timestamp into a reply built by {@link #respond}; call it last before the send. */
    public static void stampTransmit(ByteBuffer tx, long transmitWallNanos) {
        NtpCodec.putTimestampBits(tx, NtpCodec.TRANSMIT_TIMESTAMP_OFFSET,
                NtpTimestamp.fromWallNanos(transmitWallNanos).bits());
    }

    /**
     * A RATE kiss-o'-death (RFC 5905 §7.4): stratum 0, the kiss code as reference ID, and no time
     * information — receive and transmit repeat the client's own transmit timestamp.
     */
    private void writeKiss(int version, int poll, long originBits, ByteBuffer tx) {
        NtpTimestamp origin = new NtpTimestamp(originBits);
        NtpPacket kiss = new NtpPacket(NtpPacket.LEAP_UNSYNCHRONIZED, version, NtpPacket.MODE_SERVER,
                NtpPacket.STRATUM_KISS, poll, precisionLog2, NtpShort.ZERO, NtpShort.ZERO, RATE_KISS_ID,
                NtpTimestamp.ZERO, origin, origin, origin);
        tx.clear();
        NtpCodec.encode(kiss, tx);
        tx.flip();
    }
}
