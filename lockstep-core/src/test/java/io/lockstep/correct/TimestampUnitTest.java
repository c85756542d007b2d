package io.lockstep.correct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimestampUnitTest {

    private static long parse(TimestampUnit u, String s) {
        return u.parseNanos(s, 0, s.length());
    }

    private static String format(TimestampUnit u, long nanos) {
        StringBuilder sb = new StringBuilder();
        u.format(nanos, sb);
        return sb.toString();
    }

    @Test
    void halvesRoundTheSameWayWhateverTheLength() {
        // 19 integer digits (epoch ns) and 18 digits must agree on how .5 rounds.
        assertEquals(1_767_225_600_000_000_001L, parse(TimestampUnit.NS, "1767225600000000000.5"));
        assertEquals(176_722_560_000_000_001L, parse(TimestampUnit.NS, "176722560000000000.5"));
        assertEquals(-176_722_560_000_000_001L, parse(TimestampUnit.NS, "-176722560000000000.5"));
        assertEquals(Long.MAX_VALUE, parse(TimestampUnit.NS, "9223372036854775807"));
        assertThrows(NumberFormatException.class, () -> parse(TimestampUnit.NS, "9223372036854775808"));
    }

    @Test
    void parsesExactlyInEveryUnit() {
        assertEquals(1_767_225_600_123_456_789L, parse(TimestampUnit.NS, "1767225600123456789"));
        assertEquals(1_767_225_600_123_456_789L, parse(TimestampUnit.S, "1767225600.123456789"));
        assertEquals(1_767_225_600_123_457_000L, parse(TimestampUnit.MS, "1767225600123.457"));
        assertEquals(-1_500L, parse(TimestampUnit.US, "-1.5"));
        assertEquals(1_500_000_000L, parse(TimestampUnit.S, "1.5e0"));
        assertEquals(2L, parse(TimestampUnit.S, "0.0000000015"));
        assertThrows(NumberFormatException.class, () -> parse(TimestampUnit.S, "abc"));
        assertThrows(NumberFormatException.class, () -> parse(TimestampUnit.S, ""));
    }

    @Test
    void formatsEveryNanosecond() {
        assertEquals("1767225600.123456789", format(TimestampUnit.S, 1_767_225_600_123_456_789L));
        assertEquals("1767225600123.456789", format(TimestampUnit.MS, 1_767_225_600_123_456_789L));
        assertEquals("-0.001500", format(TimestampUnit.MS, -1_500));
        assertEquals("42", format(TimestampUnit.NS, 42));
    }

    @Test
    void columnNamesSuggestUnits() {
        assertEquals(TimestampUnit.NS, TimestampUnit.fromColumnName("timestamp [ns]"));
        assertEquals(TimestampUnit.S, TimestampUnit.fromColumnName("time_s"));
        assertEquals(null, TimestampUnit.fromColumnName("timestamp"));
    }
}
