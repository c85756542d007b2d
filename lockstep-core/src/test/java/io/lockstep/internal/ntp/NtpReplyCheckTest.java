package io.lockstep.internal.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.TimeSample;

/** RFC 5905 reply checks, without sockets: what a client makes of each kind of reply. */
class NtpReplyCheckTest {

    private static final long T1 = 1_700_000_000_000_000_000L;
    private static final NtpTimestamp SENT = new NtpTimestamp(0x1234_5678_9abc_def0L);

    private static NtpPacket reply(int leap, int stratum, int referenceId, long t2, long t3, NtpShort rootDelay,
                                   NtpShort rootDispersion, int precision) {
        return new NtpPacket(leap, 4, NtpPacket.MODE_SERVER, stratum, 0, precision, rootDelay, rootDispersion,
                referenceId, NtpTimestamp.ZERO, SENT, NtpTimestamp.fromWallNanos(t2), NtpTimestamp.fromWallNanos(t3));
    }

    @Test
    void aGoodReplyBecomesASampleInLockstepsSignWithTheServersOwnDistance() {
        // The server reads 2.5 ms ahead; 100 µs each way; 10 µs processing.
        long ahead = 2_500_000;
        long t2 = T1 + 100_000 + ahead;
        long t3 = t2 + 10_000;
        long t4 = T1 + 210_000;
        NtpPacket r = reply(NtpPacket.LEAP_NONE, 2, 0x7f000001, t2, t3, NtpShort.fromNanos(2_000_000),
                NtpShort.fromNanos(500_000), -20);
        NtpReplyCheck.Accepted a = assertInstanceOf(NtpReplyCheck.Accepted.class, NtpReplyCheck.check(r, T1, t4));
        TimeSample s = a.sample();
        assertEquals(-ahead, s.offsetNanos(), 2, "local − remote: a server ahead gives a negative offset");
        assertEquals(200_000, s.roundTripNanos(), 2);
        // root delay / 2 + root dispersion (as carried, in NtpShort's 15 µs steps, rounded up) + 2^-20 s.
        long expected = r.rootDelay().toNanos() / 2 + r.rootDispersion().toNanos() + 954;
        assertEquals(expected, s.remoteDistanceNanos(), 1);
        assertTrue(expected >= 1_500_954 && expected < 1_500_954 + 2 * 15_259, "never smaller than stated: " + expected);
        assertTrue(NtpReplyCheck.answers(r, SENT));
    }

    @Test
    void kissesAskToSlowDownOrGoAway() {
        NtpPacket rate = reply(NtpPacket.LEAP_UNSYNCHRONIZED, NtpPacket.STRATUM_KISS, NtpPacket.referenceIdOf("RATE"),
                T1, T1, NtpShort.ZERO, NtpShort.ZERO, -20);
        NtpReplyCheck.Kiss k = assertInstanceOf(NtpReplyCheck.Kiss.class, NtpReplyCheck.check(rate, T1, T1 + 1));
        assertEquals("RATE", k.code());
        assertTrue(k.slowDown());
        NtpPacket deny = reply(NtpPacket.LEAP_UNSYNCHRONIZED, NtpPacket.STRATUM_KISS, NtpPacket.referenceIdOf("DENY"),
                T1, T1, NtpShort.ZERO, NtpShort.ZERO, -20);
        assertFalse(assertInstanceOf(NtpReplyCheck.Kiss.class, NtpReplyCheck.check(deny, T1, T1 + 1)).slowDown());
        NtpPacket other = reply(NtpPacket.LEAP_UNSYNCHRONIZED, NtpPacket.STRATUM_KISS, NtpPacket.referenceIdOf("INIT"),
                T1, T1, NtpShort.ZERO, NtpShort.ZERO, -20);
        assertEquals("kiss-o'-death INIT",
                assertInstanceOf(NtpReplyCheck.Dropped.class, NtpReplyCheck.check(other, T1, T1 + 1)).reason());
    }

    @Test
    void unusableRepliesAreDroppedWithAReason() {
        NtpPacket unsynced = reply(NtpPacket.LEAP_UNSYNCHRONIZED, 3, 0, T1, T1, NtpShort.ZERO, NtpShort.ZERO, -20);
        assertEquals("server unsynchronised (leap 3, stratum 3)",
                assertInstanceOf(NtpReplyCheck.Dropped.class, NtpReplyCheck.check(unsynced, T1, T1 + 1)).reason());
        NtpPacket stratum16 = reply(NtpPacket.LEAP_NONE, 16, 0, T1, T1, NtpShort.ZERO, NtpShort.ZERO, -20);
        assertInstanceOf(NtpReplyCheck.Dropped.class, NtpReplyCheck.check(stratum16, T1, T1 + 1));
        NtpPacket noStamps = new NtpPacket(NtpPacket.LEAP_NONE, 4, NtpPacket.MODE_SERVER, 2, 0, -20, NtpShort.ZERO,
                NtpShort.ZERO, 0, NtpTimestamp.ZERO, SENT, NtpTimestamp.ZERO, NtpTimestamp.ZERO);
        assertEquals("reply without timestamps",
                assertInstanceOf(NtpReplyCheck.Dropped.class, NtpReplyCheck.check(noStamps, T1, T1 + 1)).reason());
        NtpPacket backwards = reply(NtpPacket.LEAP_NONE, 2, 0, T1 + 500, T1 + 100, NtpShort.ZERO, NtpShort.ZERO, -20);
        assertEquals("bogus timestamps",
                assertInstanceOf(NtpReplyCheck.Dropped.class, NtpReplyCheck.check(backwards, T1, T1 + 1000)).reason());
    }

    @Test
    void onlyAServerReplyCarryingOurTransmitTimestampAnswersUs() {
        NtpPacket r = reply(NtpPacket.LEAP_NONE, 2, 0, T1, T1, NtpShort.ZERO, NtpShort.ZERO, -20);
        assertFalse(NtpReplyCheck.answers(r, new NtpTimestamp(SENT.bits() + 1)), "a late or forged reply");
        NtpPacket clientMode = NtpPacket.clientRequest(4, 0, SENT);
        assertFalse(NtpReplyCheck.answers(clientMode, SENT));
    }
}
