package io.lockstep.internal.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import io.lockstep.internal.RateLimitTable;
import io.lockstep.net.NtpRateLimit;

/** The server's request policy, without sockets: which datagrams are answered and how. */
class NtpRequestPolicyTest {

    private static final long RECEIVE_WALL_NANOS = 1_700_000_000_123_456_789L;
    private static final NtpTimestamp CLIENT_TRANSMIT = new NtpTimestamp(0x0bad_cafe_dead_beefL);

    private static NtpRequestPolicy policy(NtpRateLimit limit) {
        return new NtpRequestPolicy(NtpPacket.LEAP_NONE, 2, -22, 1_000_000, 2_000_000,
                NtpPacket.referenceIdOf("LOCL"),
                limit.enabled() ? new RateLimitTable(limit.requestsPerSecond(), limit.burst(), limit.tableSlots()) : null);
    }

    private static ByteBuffer request(int version, int mode) {
        NtpPacket p = new NtpPacket(NtpPacket.LEAP_NONE, version, mode, 0, 6, 0, NtpShort.ZERO, NtpShort.ZERO, 0,
                NtpTimestamp.ZERO, NtpTimestamp.ZERO, NtpTimestamp.ZERO, CLIENT_TRANSMIT);
        return ByteBuffer.wrap(NtpCodec.encode(p));
    }

    @Test
    void aClientRequestGetsAFullReplyInItsVersionWithTheOriginCopied() throws Exception {
        ByteBuffer tx = ByteBuffer.allocate(NtpPacket.HEADER_BYTES);
        ByteBuffer rx = request(3, NtpPacket.MODE_CLIENT);
        assertEquals(NtpRequestPolicy.Action.ANSWER,
                policy(NtpRateLimit.OFF).respond(rx, InetAddress.getLoopbackAddress(), RECEIVE_WALL_NANOS, 0, tx));
        assertEquals(0, rx.position(), "the request is left as it was");
        NtpRequestPolicy.stampTransmit(tx, RECEIVE_WALL_NANOS + 5_000);
        NtpPacket reply = NtpCodec.decode(tx.duplicate());
        assertEquals(3, reply.version());
        assertEquals(NtpPacket.MODE_SERVER, reply.mode());
        assertEquals(2, reply.stratum());
        assertEquals(-22, reply.precision());
        assertEquals(6, reply.poll());
        assertEquals(NtpPacket.referenceIdOf("LOCL"), reply.referenceId());
        assertEquals(CLIENT_TRANSMIT, reply.originTimestamp());
        assertEquals(RECEIVE_WALL_NANOS, reply.receiveTimestamp().toWallNanos(RECEIVE_WALL_NANOS), 1);
        assertEquals(RECEIVE_WALL_NANOS + 5_000, reply.transmitTimestamp().toWallNanos(RECEIVE_WALL_NANOS), 1);
        assertEquals(NtpShort.fromNanos(1_000_000), reply.rootDelay());
        assertEquals(NtpPacket.HEADER_BYTES, tx.remaining(), "never larger than the request: no amplification");
    }

    @Test
    void controlPrivateSymmetricAndOldVersionsAreIgnoredAndGarbageIsMalformed() throws Exception {
        NtpRequestPolicy p = policy(NtpRateLimit.OFF);
        ByteBuffer tx = ByteBuffer.allocate(NtpPacket.HEADER_BYTES);
        InetAddress from = InetAddress.getLoopbackAddress();
        for (int mode : new int[] {1, 2, 4, 5, 6, 7}) {
            assertEquals(NtpRequestPolicy.Action.IGNORED, p.respond(request(4, mode), from, RECEIVE_WALL_NANOS, 0, tx),
                    "mode " + mode);
        }
        assertEquals(NtpRequestPolicy.Action.IGNORED, p.respond(request(2, 3), from, RECEIVE_WALL_NANOS, 0, tx));
        assertEquals(NtpRequestPolicy.Action.MALFORMED,
                p.respond(ByteBuffer.wrap(new byte[12]), from, RECEIVE_WALL_NANOS, 0, tx));
        assertEquals(NtpRequestPolicy.Action.MALFORMED,
                p.respond(ByteBuffer.allocate(NtpRequestPolicy.MAX_DATAGRAM_BYTES + 1), from, RECEIVE_WALL_NANOS, 0, tx));
    }

    @Test
    void aClientOverItsLimitGetsOneRateKissThenSilence() throws Exception {
        NtpRequestPolicy p = policy(NtpRateLimit.of(1, 2));
        ByteBuffer tx = ByteBuffer.allocate(NtpPacket.HEADER_BYTES);
        InetAddress from = InetAddress.getByName("192.0.2.9");
        assertEquals(NtpRequestPolicy.Action.ANSWER, p.respond(request(4, 3), from, RECEIVE_WALL_NANOS, 0, tx));
        assertEquals(NtpRequestPolicy.Action.ANSWER, p.respond(request(4, 3), from, RECEIVE_WALL_NANOS, 1, tx));
        assertEquals(NtpRequestPolicy.Action.KISS, p.respond(request(4, 3), from, RECEIVE_WALL_NANOS, 2, tx));
        NtpPacket kiss = NtpCodec.decode(tx.duplicate());
        assertEquals(NtpPacket.STRATUM_KISS, kiss.stratum());
        assertEquals("RATE", kiss.kissCode());
        assertEquals(CLIENT_TRANSMIT, kiss.originTimestamp());
        assertEquals(CLIENT_TRANSMIT, kiss.transmitTimestamp(), "a kiss carries no time of the server's");
        assertEquals(NtpRequestPolicy.Action.RATE_LIMITED, p.respond(request(4, 3), from, RECEIVE_WALL_NANOS, 3, tx));
    }
}
