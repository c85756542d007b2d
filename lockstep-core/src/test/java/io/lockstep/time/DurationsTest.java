package io.lockstep.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertEquals(137_500_000L, Durations.parseNanos("137.5ms"));
        assertEquals(250_000L, Durations.parseNanos("250us"));
        assertEquals(250_000L, Durations.parseNanos("250µs"));
        assertEquals(2_000_000_000L, Durations.parseNanos("2s"));
        assertEquals(600_000_000_000L, Durations.parseNanos("10m"));
        assertEquals(3_600_000_000_000L, Durations.parseNanos("1h"));
        assertEquals(7L, Durations.parseNanos("7ns"));
        assertEquals(-3_000_000L, Durations.parseNanos("-3ms"));
        assertEquals(1_500L, Durations.parseNanos(" 1.5us "));
    }

    @Test
    void aBareZeroNeedsNoUnit() {
        // Zero is zero in every unit; asking for one used to suggest "0ms", which `track --interval`
        // then refused as not positive.
        assertEquals(0L, Durations.parseNanos("0"));
        assertEquals(0L, Durations.parseNanos("0.0"));
        assertEquals(0L, Durations.parseNanos("-0"));
        IllegalArgumentException noUnit = assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("0.5"));
        assertTrue(noUnit.getMessage().endsWith("e.g. 0.5ms"), noUnit.getMessage());
    }

    @Test
    void rejectsBadInputWithAHelpfulMessage() {
        IllegalArgumentException noUnit = assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("5"));
        assertTrue(noUnit.getMessage().contains("needs a unit"), noUnit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("5 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos(""));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("1e30h"));
    }

    @Test
    void formatsWithReadableUnits() {
        assertEquals("-137.500 ms", Durations.format(-137_500_000L));
        assertEquals("42.10 us", Durations.format(42_100L));
        assertEquals("12 ns", Durations.format(12L));
        assertEquals("2.000000 s", Durations.format(2_000_000_000L));
    }
}
