package io.lockstep.internal.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class NtpShortTest {

    @Test
    void oneSecondIsSixteenBitsOfFraction() {
        assertEquals(0x0001_0000, NtpShort.fromNanos(1_000_000_000L).bits());
        assertEquals(1_000_000_000L, new NtpShort(0x0001_0000).toNanos());
    }

    @Test
    void conversionRoundsUpAndStaysWithinOneUnit() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long nanos = r.nextLong(0, 65_535L * 1_000_000_000L);
            long back = NtpShort.fromNanos(nanos).toNanos();
            assertTrue(back >= nanos - 1 && back - nanos <= 15_259, () -> nanos + " -> " + back);
        }
    }

    @Test
    void outOfRangeSaturatesAndNegativeIsZero() {
        assertEquals(0xFFFF_FFFFL, NtpShort.fromNanos(Long.MAX_VALUE).unsignedBits());
        assertEquals(0, NtpShort.fromNanos(-5).bits());
        assertEquals(65_535_999_984_741L, new NtpShort(0xFFFF_FFFF).toNanos());
    }
}
