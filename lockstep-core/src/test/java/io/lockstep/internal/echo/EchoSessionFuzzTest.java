package io.lockstep.internal.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the Time Echo server's per-connection state machine
 * ({@link EchoSession}) without sockets: the fuzzer chooses how the client's byte stream is cut
 * into reads, how much of the replies each write may send, and how time advances. Every reply
 * must be the byte-exact echo of its request in order, state must stay within its fixed
 * buffers, back-pressure must only engage when replies are really piling up, and the timers
 * must follow their contract. Corpus under
 * {@code src/test/resources/io/lockstep/internal/echo/EchoSessionFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EchoSessionFuzzTest {

    private static final long SERVER_MILLIS_BASE = 1_700_000_000_000L;

    @FuzzTest
    void anyStreamIsEchoedExactlyWithinBoundedState(FuzzedDataProvider data) throws IOException {
        checkedReplyBytes = 0;
        long nowMonoNanos = data.consumeLong();
        EchoSession session = new EchoSession(nowMonoNanos);
        long[] serverCalls = {0};
        // A served clock that says how often it was read: reply k must carry base + k.
        java.util.function.LongSupplier clock = () -> SERVER_MILLIS_BASE + serverCalls[0]++;
        ByteArrayOutputStream sent = new ByteArrayOutputStream();     // everything the client sent
        int deliveredBytes = 0;                                       // of which the session has read
        ByteArrayOutputStream replies = new ByteArrayOutputStream();  // everything the session wrote
        int ops = 0;
        while (data.remainingBytes() > 0 && ops++ < 10_000) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> sent.writeBytes(data.consumeBytes(data.consumeInt(0, 700)));
                case 1 -> {
                    boolean wanted = session.wantsRead();
                    byte[] all = sent.toByteArray();
                    int offer = Math.min(all.length - deliveredBytes, data.consumeInt(0, 700));
                    int n = session.readFrom(new Source(all, deliveredBytes, offer), nowMonoNanos, clock);
                    if (!wanted) {
                        assertEquals(0, n, "reads nothing while back-pressured");
                    }
                    long requestsBefore = deliveredBytes / EchoCodec.REQUEST_BYTES;
                    deliveredBytes += Math.max(0, n);
                    if (deliveredBytes / EchoCodec.REQUEST_BYTES > requestsBefore) {
                        // A complete request just arrived: the connection is not idle now.
                        assertNotEquals(EchoSession.Expiry.IDLE, session.expiry(nowMonoNanos, 0, Long.MAX_VALUE));
                    }
                }
                case 2 -> {
                    int room = data.consumeInt(0, 2_000);
                    ByteBuffer sink = ByteBuffer.allocate(room);
                    int n = session.writeTo(new Sink(sink), nowMonoNanos, clock);
                    assertEquals(sink.position(), n);
                    replies.write(sink.array(), 0, n);
                }
                default -> nowMonoNanos += data.consumeLong(0, 200_000_000_000L);
            }
            checkInvariants(session, sent.toByteArray(), deliveredBytes, replies.toByteArray(), serverCalls[0],
                    nowMonoNanos, data);
        }
    }

    private int checkedReplyBytes;

    private void checkInvariants(EchoSession session, byte[] sent, int delivered, byte[] replies,
                                        long clockReads, long nowMonoNanos, FuzzedDataProvider data) {
        int capacity = EchoSession.MAX_PENDING_REPLIES * EchoCodec.REPLY_BYTES;
        assertTrue(session.pendingReplyBytes() >= 0 && session.pendingReplyBytes() <= capacity, "bounded replies");
        assertEquals(session.pendingReplyBytes() > 0, session.wantsWrite());
        assertEquals(delivered / EchoCodec.REQUEST_BYTES, session.requestsReceived());
        assertEquals(delivered % EchoCodec.REQUEST_BYTES, session.partialBytes());
        assertEquals(session.requestsAnswered(), clockReads, "one clock read per reply");
        assertTrue(session.requestsAnswered() <= session.requestsReceived());
        // Back-pressure only when the reply buffer is really full; otherwise nothing waits.
        if (session.wantsRead()) {
            assertEquals(session.requestsReceived(), session.requestsAnswered(), "requests left unanswered with room");
        } else {
            assertTrue(session.pendingReplyBytes() > capacity - EchoCodec.REPLY_BYTES);
        }
        long received = session.requestsReceived();
        assertTrue(received - session.requestsAnswered() <= EchoSession.RECEIVE_BUFFER_BYTES / EchoCodec.REQUEST_BYTES,
                "bounded unanswered requests");
        // The bytes written so far are exactly the first replies, in order (checked as they arrive).
        assertEquals(replies.length + session.pendingReplyBytes(), session.requestsAnswered() * EchoCodec.REPLY_BYTES);
        for (int at = checkedReplyBytes; at < replies.length; at++) {
            int k = at / EchoCodec.REPLY_BYTES;
            int i = at % EchoCodec.REPLY_BYTES;
            byte expected = i < EchoCodec.REQUEST_BYTES ? sent[k * EchoCodec.REQUEST_BYTES + i]
                    : (byte) ((SERVER_MILLIS_BASE + k) >>> (56 - 8 * (i - EchoCodec.REQUEST_BYTES)));
            if (replies[at] != expected) {
                throw new AssertionError("reply byte " + at + " (reply " + k + ", byte " + i + ") is " + replies[at]
                        + ", expected " + expected);
            }
        }
        checkedReplyBytes = replies.length;
        // Timers: no partial request, no frame deadline; never idle within the timeout of the last request.
        long idle = Math.max(0, data.consumeLong(0, Long.MAX_VALUE / 4));
        long deadline = Math.max(0, data.consumeLong(0, Long.MAX_VALUE / 4));
        EchoSession.Expiry e = session.expiry(nowMonoNanos, idle, deadline);
        if (session.partialBytes() == 0 || !session.wantsRead()) {
            assertNotEquals(EchoSession.Expiry.FRAME_DEADLINE, e);
        }
        if (nowMonoNanos - session.idleSinceMonoNanos() <= idle) {
            assertNotEquals(EchoSession.Expiry.IDLE, e);
        } else {
            assertEquals(EchoSession.Expiry.IDLE, e);
        }
    }

    /** Offers up to {@code limit} bytes of the client's stream, from {@code from}. */
    private static final class Source implements ReadableByteChannel {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Source(byte[] bytes, int from, int limit) {
            this.bytes = bytes;
            this.pos = from;
            this.end = from + limit;
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = Math.min(dst.remaining(), end - pos);
            dst.put(bytes, pos, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Accepts as many bytes as {@code sink} has room for. */
    private record Sink(ByteBuffer sink) implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), sink.remaining());
            ByteBuffer slice = src.slice();
            slice.limit(n);
            sink.put(slice);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
