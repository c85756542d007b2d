package io.lockstep.internal.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class NtpTimestampTest {

    private static long wall(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void unixEpochIsTheKnownNtpValue() {
        NtpTimestamp t = NtpTimestamp.fromWallNanos(0);
        assertEquals(0x83AA7E80L, t.seconds());
        assertEquals(0, t.fraction());
        assertEquals(0, t.toWallNanos());
    }

    @Test
    void halfSecondIsHalfTheFraction() {
        NtpTimestamp t = NtpTimestamp.fromWallNanos(500_000_000L);
        assertEquals(0x8000_0000L, t.fraction());
    }

    @Test
    void wallNanosRoundTripExactlyAcrossBothEras() {
        SplittableRandom r = new SplittableRandom(42);
        long from = wall("1970-01-01T00:00:00Z");
        long to = wall("2100-01-01T00:00:00Z");
        for (int i = 0; i < 200_000; i++) {
            long w = r.nextLong(from, to);
            NtpTimestamp t = NtpTimestamp.fromWallNanos(w);
            assertEquals(w, t.toWallNanos(w), () -> "pivot at the instant: " + w);
            // Any pivot within 68 years picks the same era.
            long pivot = w + r.nextLong(-60L * 365 * 86_400 * 1_000_000_000L, 60L * 365 * 86_400 * 1_000_000_000L);
            assertEquals(w, t.toWallNanos(pivot), () -> "pivot " + pivot + " for " + w);
            assertEquals(w, t.toWallNanos(), () -> "RFC 4330 rule for " + w);
        }
    }

    @Test
    void the2036RolloverWrapsSecondsAndKeepsTheInstant() {
        long rollover = wall("2036-02-07T06:28:16Z");
        NtpTimestamp before = NtpTimestamp.fromWallNanos(rollover - 1);
        NtpTimestamp at = NtpTimestamp.fromWallNanos(rollover);
        NtpTimestamp after = NtpTimestamp.fromWallNanos(rollover + 1_500_000_000L);
        assertEquals(0xFFFF_FFFFL, before.seconds());
        assertEquals(0, at.seconds());
        assertEquals(1, after.seconds());
        assertTrue(at.isZero(), "the rollover instant itself is the all-zero pattern");
        // A client just before the rollover reads a server timestamp just after it, and vice versa.
        assertEquals(rollover + 1_500_000_000L, after.toWallNanos(rollover - 2_000_000_000L));
        assertEquals(rollover - 1, before.toWallNanos(rollover + 3_000_000_000L));
    }

    @Test
    void subNanosecondFractionsRoundToNearestNanosecond() {
        // 1 fraction unit is 0.2328 ns; 3 units 0.698 ns -> 1 ns; 2 units 0.466 ns -> 0 ns.
        assertEquals(1, NtpTimestamp.of(0x83AA7E80L, 3).toWallNanos());
        assertEquals(0, NtpTimestamp.of(0x83AA7E80L, 2).toWallNanos());
    }

    @Test
    void negativeWallTimesBeforeTheUnixEpochWork() {
        long w = wall("1969-12-31T23:59:59.999999999Z");
        assertEquals(w, NtpTimestamp.fromWallNanos(w).toWallNanos(0));
    }
}
