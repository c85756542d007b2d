package io.lockstep.linux;

import java.nio.ByteBuffer;

import io.lockstep.net.StampedDatagramSocket;

/**
 * Finds the {@code SCM_TIMESTAMPNS} control message in the ancillary data {@code recvmsg} returned.
 * A pure function over a buffer (absolute indexes, native byte order); thread-safe.
 *
 * <p>Layout on 64-bit Linux: each message is a {@code struct cmsghdr} ({@code size_t cmsg_len},
 * {@code int cmsg_level}, {@code int cmsg_type}; 16 bytes) followed by its data, padded to 8 bytes;
 * {@code cmsg_len} counts header and data. {@code SCM_TIMESTAMPNS} carries a {@code struct
 * timespec} (64-bit seconds and nanoseconds) of {@code CLOCK_REALTIME}. Every length is checked
 * against the bytes the kernel reported, so a truncated or odd control area yields no stamp, never
 * a read past it.
 */
final class ControlMessages {

    static final int HEADER_BYTES = 16;
    static final int TIMESPEC_BYTES = 16;
    /** {@code CMSG_SPACE(sizeof(struct timespec))}: what one timestamp needs. */
    static final int TIMESTAMP_SPACE_BYTES = HEADER_BYTES + TIMESPEC_BYTES;

    private ControlMessages() {
    }

    /**
     * The kernel receive stamp in ns since the Unix epoch, or {@link StampedDatagramSocket#NO_STAMP}.
     *
     * @param buf          a native-order view of the control area
     * @param offset       where the control area starts in {@code buf}
     * @param controlBytes {@code msg_controllen} after the call: how many bytes the kernel wrote
     */
    static long timestampNanos(ByteBuffer buf, int offset, int controlBytes) {
        long pos = 0;
        while (pos + HEADER_BYTES <= controlBytes) {
            int at = offset + (int) pos;
            long length = buf.getLong(at);
            if (length < HEADER_BYTES || pos + length > controlBytes) {
                return StampedDatagramSocket.NO_STAMP;
            }
            int level = buf.getInt(at + 8);
            int type = buf.getInt(at + 12);
            if (level == Libc.SOL_SOCKET && type == Libc.SCM_TIMESTAMPNS && length >= TIMESTAMP_SPACE_BYTES) {
                long seconds = buf.getLong(at + HEADER_BYTES);
                long nanos = buf.getLong(at + HEADER_BYTES + 8);
                if (seconds <= 0 || seconds > Long.MAX_VALUE / 1_000_000_000L - 1 || nanos < 0 || nanos >= 1_000_000_000L) {
                    return StampedDatagramSocket.NO_STAMP;
                }
                return seconds * 1_000_000_000L + nanos;
            }
            pos += (length + 7) & ~7L;
        }
        return StampedDatagramSocket.NO_STAMP;
    }
}
