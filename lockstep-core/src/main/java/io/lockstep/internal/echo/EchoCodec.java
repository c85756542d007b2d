package io.lockstep.internal.echo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes Time Echo frames (the Pupil Labs Companion protocol) on buffers, never on
 * sockets. Stateless and thread-safe.
 *
 * <p>Wire format, byte-exact with the Companion app: the client sends its wall time in
 * milliseconds as a big-endian unsigned 64-bit integer (8 bytes); the server answers 16 bytes,
 * the echoed 8 bytes unchanged followed by its own wall time in milliseconds, big-endian
 * unsigned 64-bit. Any number of exchanges may share one TCP connection. Values are carried in
 * Java {@code long}s; milliseconds since 1970 stay far below 2<sup>63</sup>, and the echoed value
 * is copied bit for bit whatever it is.
 */
public final class EchoCodec {

    /** Size of a request frame in bytes. */
    public static final int REQUEST_BYTES = 8;
    /** Size of a reply frame in bytes. */
    public static final int REPLY_BYTES = 16;

    private EchoCodec() {
    }

    /** Writes a request carrying {@code clientMillis} at the buffer's position. */
    public static void writeRequest(ByteBuffer dst, long clientMillis) {
        dst.order(ByteOrder.BIG_ENDIAN).putLong(clientMillis);
    }

    /**
     * Reads one request if a whole frame is available.
     *
     * @return true and the value through {@code out[0]} when a frame was consumed; false (and the
     *         buffer untouched) when fewer than {@link #REQUEST_BYTES} bytes remain
     */
    public static boolean readRequest(ByteBuffer src, long[] out) {
        if (src.remaining() < REQUEST_BYTES) {
            return false;
        }
        out[0] = src.order(ByteOrder.BIG_ENDIAN).getLong();
        return true;
    }

    /** Writes a reply: the echoed request value, then the server's wall time in ms. */
    public static void writeReply(ByteBuffer dst, long echoedMillis, long serverMillis) {
        dst.order(ByteOrder.BIG_ENDIAN).putLong(echoedMillis).putLong(serverMillis);
    }

    /**
     * Reads one reply if a whole frame is available.
     *
     * @return the reply, or {@code null} (buffer untouched) when fewer than {@link #REPLY_BYTES} remain
     */
    public static EchoReply readReply(ByteBuffer src) {
        if (src.remaining() < REPLY_BYTES) {
            return null;
        }
        src.order(ByteOrder.BIG_ENDIAN);
        long echoed = src.getLong();
        long server = src.getLong();
        return new EchoReply(echoed, server);
    }

    /** Milliseconds of a wall time in ns, truncated toward minus infinity as the Companion app's clock is. */
    public static long toMillis(long wallNanos) {
        return Math.floorDiv(wallNanos, 1_000_000L);
    }
}
