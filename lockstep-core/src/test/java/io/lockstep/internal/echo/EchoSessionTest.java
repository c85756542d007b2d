package io.lockstep.internal.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

import org.junit.jupiter.api.Test;

/** The Time Echo connection state machine's timers and eviction order, on in-memory channels. */
class EchoSessionTest {

    private static final long SECOND = 1_000_000_000L;

    private static ReadableByteChannel bytes(int count) {
        return Channels.newChannel(new java.io.ByteArrayInputStream(new byte[count]));
    }

    @Test
    void onlyACompleteRequestResetsTheIdleTimer() throws IOException {
        EchoSession s = new EchoSession(0);
        for (int i = 1; i <= 7; i++) {
            s.readFrom(bytes(1), i * SECOND, () -> 0);
        }
        assertEquals(0, s.idleSinceMonoNanos(), "seven single bytes are not a request");
        assertEquals(EchoSession.Expiry.IDLE, s.expiry(7 * SECOND, 5 * SECOND, 100 * SECOND));
        s.readFrom(bytes(1), 8 * SECOND, () -> 0);
        assertEquals(8 * SECOND, s.idleSinceMonoNanos());
        assertEquals(EchoSession.Expiry.NONE, s.expiry(9 * SECOND, 5 * SECOND, 100 * SECOND));
    }

    @Test
    void theFrameDeadlineRunsFromTheFirstByteOfAnIncompleteRequest() throws IOException {
        EchoSession s = new EchoSession(0);
        s.readFrom(bytes(11), 2 * SECOND, () -> 0);   // one request and 3 bytes of the next
        s.readFrom(bytes(2), 3 * SECOND, () -> 0);    // still incomplete: the deadline keeps its start
        assertEquals(5, s.partialBytes());
        assertEquals(EchoSession.Expiry.NONE, s.expiry(4 * SECOND, 100 * SECOND, 2 * SECOND));
        assertEquals(EchoSession.Expiry.FRAME_DEADLINE, s.expiry(4 * SECOND + 1, 100 * SECOND, 2 * SECOND));
        s.readFrom(bytes(3), 5 * SECOND, () -> 0);    // completed: no deadline any more
        assertEquals(EchoSession.Expiry.NONE, s.expiry(50 * SECOND, 100 * SECOND, 2 * SECOND));
    }

    @Test
    void aClientThatDoesNotReadItsRepliesIsNotReadFromAndHasNoFrameDeadline() throws IOException {
        EchoSession s = new EchoSession(0);
        int requests = EchoSession.MAX_PENDING_REPLIES + 5;
        ReadableByteChannel client = bytes(requests * EchoCodec.REQUEST_BYTES + 3);
        s.readFrom(client, SECOND, () -> 0);
        assertFalse(s.wantsRead(), "replies pile up: stop reading");
        assertEquals(EchoSession.MAX_PENDING_REPLIES, s.requestsAnswered());
        assertEquals(0, s.readFrom(client, 2 * SECOND, () -> 0), "nothing read while the client does not read");
        assertEquals(EchoSession.Expiry.NONE, s.expiry(30 * SECOND, 100 * SECOND, 2 * SECOND));
        assertEquals(EchoSession.Expiry.IDLE, s.expiry(200 * SECOND, 100 * SECOND, 2 * SECOND));
        // The client reads its replies: reading resumes and the rest is answered.
        s.writeTo(Channels.newChannel(new java.io.ByteArrayOutputStream()), 3 * SECOND, () -> 0);
        assertTrue(s.wantsRead());
        s.readFrom(client, 4 * SECOND, () -> 0);
        assertEquals(requests, s.requestsAnswered());
        assertEquals(3, s.partialBytes());
    }

    @Test
    void evictsSilentConnectionsFirstOldestFirstThenTheLongestIdle() throws IOException {
        EchoSession silentOld = new EchoSession(1 * SECOND);
        EchoSession silentNew = new EchoSession(9 * SECOND);
        EchoSession activeLongIdle = new EchoSession(0);
        activeLongIdle.readFrom(bytes(8), 2 * SECOND, () -> 0);
        EchoSession activeRecent = new EchoSession(0);
        activeRecent.readFrom(bytes(8), 8 * SECOND, () -> 0);
        assertTrue(EchoSession.compareForEviction(silentOld, silentNew) < 0);
        assertTrue(EchoSession.compareForEviction(silentNew, activeLongIdle) < 0, "silence goes before activity");
        assertTrue(EchoSession.compareForEviction(activeLongIdle, activeRecent) < 0);
        assertEquals(0, EchoSession.compareForEviction(activeRecent, activeRecent));
    }
}
