package io.lockstep.internal.echo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongSupplier;

/**
 * The server side of one Time Echo connection without its socket: it frames received bytes
 * into 8-byte requests, answers each with the 16-byte echo into a bounded reply buffer, and
 * keeps the two timers that decide when a connection has had its chance — time since the last
 * complete request, and time since the first byte of a request that is still incomplete. The
 * transport moves bytes through {@link #readFrom} and {@link #writeTo} on any byte channel, so
 * the state machine is tested and fuzzed without a network. Not thread-safe: one connection is
 * driven by one thread.
 *
 * <p>State is fixed in size: {@link #RECEIVE_BUFFER_BYTES} of unanswered input and
 * {@link #MAX_PENDING_REPLIES} unsent replies. A client that stops reading its replies fills
 * the reply buffer, and then {@link #wantsRead()} turns false so the transport stops reading
 * from it; nothing grows.
 */
public final class EchoSession {

    /** Replies held for a client before the session stops reading its requests. */
    public static final int MAX_PENDING_REPLIES = 64;
    /** Received bytes held at most: a whole number of requests, so a full buffer never splits one. */
    public static final int RECEIVE_BUFFER_BYTES = 64 * EchoCodec.REQUEST_BYTES;

    /** Why a session should be closed, if it should. */
    public enum Expiry {
        /** Within its limits. */
        NONE,
        /** No complete request for longer than the idle timeout. */
        IDLE,
        /** A started request still incomplete after the frame deadline. */
        FRAME_DEADLINE
    }

    private final ByteBuffer in = ByteBuffer.allocate(RECEIVE_BUFFER_BYTES);
    private final ByteBuffer out = ByteBuffer.allocate(MAX_PENDING_REPLIES * EchoCodec.REPLY_BYTES);
    private final long[] scratch = new long[1];
    private final long openedMonoNanos;
    private long receivedBytes;
    private long answered;
    private long lastRequestMonoNanos;
    private long partialSinceMonoNanos;

    /** @param openedMonoNanos when the connection was accepted, on the transport's monotonic clock */
    public EchoSession(long openedMonoNanos) {
        this.openedMonoNanos = openedMonoNanos;
        this.lastRequestMonoNanos = openedMonoNanos;
    }

    /**
     * Reads what {@code channel} has (as much as the receive buffer takes) and answers every
     * complete request the reply buffer has room for. Reads nothing while {@link #wantsRead()}
     * is false.
     *
     * @param nowMonoNanos the transport's monotonic time of this read
     * @param serverMillis the served clock in ms, read once per request as late as possible
     * @return bytes read, or -1 at end of stream
     */
    public int readFrom(ReadableByteChannel channel, long nowMonoNanos, LongSupplier serverMillis) throws IOException {
        if (!wantsRead()) {
            return 0;
        }
        int n = channel.read(in);
        if (n > 0) {
            received(n, nowMonoNanos);
            answer(serverMillis);
        }
        return n;
    }

    /**
     * Writes pending replies to {@code channel} (as many bytes as it accepts), then answers
     * requests that were waiting for room in the reply buffer.
     *
     * @param nowMonoNanos the transport's monotonic time of this write
     * @return bytes written
     */
    public int writeTo(WritableByteChannel channel, long nowMonoNanos, LongSupplier serverMillis) throws IOException {
        boolean wasBlocked = !wantsRead();
        int n;
        out.flip();
        try {
            n = out.hasRemaining() ? channel.write(out) : 0;
        } finally {
            out.compact();
        }
        if (wasBlocked) {
            // Only a full reply buffer leaves complete requests unanswered after a read.
            answer(serverMillis);
        }
        if (wasBlocked && wantsRead() && partialBytes() > 0) {
            // The rest of a started request may have sat in the kernel while we were not reading:
            // its deadline starts again now that the client can send it.
            partialSinceMonoNanos = nowMonoNanos;
        }
        return n;
    }

    /** True while the transport should read: the reply buffer has room for another reply. */
    public boolean wantsRead() {
        return out.remaining() >= EchoCodec.REPLY_BYTES;
    }

    /** True while replies wait to be written. */
    public boolean wantsWrite() {
        return out.position() > 0;
    }

    /** Bytes of replies waiting to be written. */
    public int pendingReplyBytes() {
        return out.position();
    }

    /** Bytes of an incomplete request received so far (0–7). */
    public int partialBytes() {
        return (int) (receivedBytes % EchoCodec.REQUEST_BYTES);
    }

    /** Complete requests received since the connection opened. */
    public long requestsReceived() {
        return receivedBytes / EchoCodec.REQUEST_BYTES;
    }

    /** Requests answered (reply written into the reply buffer) since the connection opened. */
    public long requestsAnswered() {
        return answered;
    }

    /** When the connection last received a complete request, or was opened if it never did. */
    public long idleSinceMonoNanos() {
        return lastRequestMonoNanos;
    }

    /** When the connection was opened. */
    public long openedMonoNanos() {
        return openedMonoNanos;
    }

    /**
     * Whether the connection has outstayed a limit at {@code nowMonoNanos}. Only a complete
     * request resets the idle timer: a trickle of bytes cannot keep a connection alive. The
     * frame deadline does not run while the session has stopped reading (the client's own
     * unread replies hold it back, and the idle timer covers that case).
     */
    public Expiry expiry(long nowMonoNanos, long idleTimeoutNanos, long frameDeadlineNanos) {
        if (nowMonoNanos - lastRequestMonoNanos > idleTimeoutNanos) {
            return Expiry.IDLE;
        }
        if (partialBytes() > 0 && wantsRead() && nowMonoNanos - partialSinceMonoNanos > frameDeadlineNanos) {
            return Expiry.FRAME_DEADLINE;
        }
        return Expiry.NONE;
    }

    /**
     * Orders sessions for eviction when the server must make room: first those that never sent
     * a complete request (oldest first: they had the longest chance), then those idle the
     * longest. A client that is actually exchanging is therefore the last to go, and a newcomer
     * (which has not had time to send) is protected by being the youngest of the silent ones.
     *
     * @return negative when {@code a} should be evicted before {@code b}
     */
    public static int compareForEviction(EchoSession a, EchoSession b) {
        boolean aSilent = a.requestsReceived() == 0;
        boolean bSilent = b.requestsReceived() == 0;
        if (aSilent != bSilent) {
            return aSilent ? -1 : 1;
        }
        return Long.signum(a.lastRequestMonoNanos - b.lastRequestMonoNanos);
    }

    private void received(int n, long nowMonoNanos) {
        long before = receivedBytes;
        receivedBytes += n;
        boolean completedOne = receivedBytes / EchoCodec.REQUEST_BYTES > before / EchoCodec.REQUEST_BYTES;
        if (completedOne) {
            lastRequestMonoNanos = nowMonoNanos;
        }
        // A new incomplete request starts its deadline with the read that brought its first byte.
        if (partialBytes() > 0 && (completedOne || before % EchoCodec.REQUEST_BYTES == 0)) {
            partialSinceMonoNanos = nowMonoNanos;
        }
    }

    /** Answers every whole request buffered, as far as the reply buffer has room. */
    private void answer(LongSupplier serverMillis) {
        in.flip();
        while (out.remaining() >= EchoCodec.REPLY_BYTES && EchoCodec.readRequest(in, scratch)) {
            EchoCodec.writeReply(out, scratch[0], serverMillis.getAsLong());
            answered++;
        }
        in.compact();
    }
}
