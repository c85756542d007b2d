package io.lockstep.correct;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The unit of a timestamp column: nanoseconds (Pupil Labs Neon's {@code timestamp [ns]}),
 * microseconds, milliseconds or seconds since the epoch. Parses decimal text to exact
 * nanoseconds without going through {@code double}, and formats nanoseconds back with enough
 * decimals to keep every nanosecond (ns: integer, us: 3, ms: 6, s: 9). Immutable and
 * thread-safe.
 */
public enum TimestampUnit {
    NS(1, 0), US(1_000, 3), MS(1_000_000, 6), S(1_000_000_000, 9);

    private final long nanosPerUnit;
    private final int decimals;

    TimestampUnit(long nanosPerUnit, int decimals) {
        this.nanosPerUnit = nanosPerUnit;
        this.decimals = decimals;
    }

    /** Parses {@code ns}, {@code us}, {@code ms} or {@code s}. */
    public static TimestampUnit parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown unit '" + text + "'; use ns, us, ms or s");
        }
    }

    /** The unit a column name suggests ({@code timestamp [ns]} → NS), or null when it says nothing. */
    public static TimestampUnit fromColumnName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (TimestampUnit u : values()) {
            String s = u.name().toLowerCase(Locale.ROOT);
            if (n.endsWith("[" + s + "]") || n.endsWith("(" + s + ")") || n.endsWith("_" + s)) {
                return u;
            }
        }
        return null;
    }

    /**
     * Parses {@code text[from, to)} as a decimal number in this unit and returns nanoseconds.
     *
     * @throws NumberFormatException when it is not a number or out of range
     */
    public long parseNanos(CharSequence text, int from, int to) {
        while (from < to && text.charAt(from) == ' ') {
            from++;
        }
        while (to > from && text.charAt(to - 1) == ' ') {
            to--;
        }
        if (from == to) {
            throw new NumberFormatException("empty");
        }
        int i = from;
        boolean negative = false;
        if (text.charAt(i) == '-' || text.charAt(i) == '+') {
            negative = text.charAt(i) == '-';
            i++;
        }
        long whole = 0;
        int digits = 0;
        while (i < to && isAsciiDigit(text.charAt(i))) {
            // Epoch nanoseconds have 19 digits: keep them on the fast path, checked for overflow.
            if (++digits > 19) {
                return slow(text, from, to);
            }
            try {
                whole = Math.addExact(Math.multiplyExact(whole, 10), text.charAt(i) - '0');
            } catch (ArithmeticException overflow) {
                return slow(text, from, to);
            }
            i++;
        }
        long fraction = 0;
        long scale = nanosPerUnit;
        boolean roundUp = false;
        if (i < to && text.charAt(i) == '.') {
            i++;
            int fractionDigits = 0;
            while (i < to && isAsciiDigit(text.charAt(i))) {
                int d = text.charAt(i) - '0';
                if (scale >= 10) {
                    scale /= 10;
                    fraction += d * scale;
                } else if (scale == 1 && fractionDigits == decimals) {
                    roundUp = d >= 5;
                    scale = 0;
                }
                fractionDigits++;
                digits++;
                i++;
            }
        }
        if (i != to) {
            return slow(text, from, to);
        }
        if (digits == 0) {
            throw new NumberFormatException("not a number");
        }
        long nanos;
        try {
            nanos = Math.addExact(Math.multiplyExact(whole, nanosPerUnit), fraction + (roundUp ? 1 : 0));
        } catch (ArithmeticException overflow) {
            return slow(text, from, to);
        }
        return negative ? -nanos : nanos;
    }

    /**
     * Only '0'–'9' take the fast path's {@code c - '0'}: {@link Character#isDigit} also accepts
     * other scripts' digits (found by fuzzing: U+06F0 read as 1728), which the exact path handles.
     */
    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** As {@link #parseNanos(CharSequence, int, int)} for ASCII digits in {@code bytes[from, to)}. */
    public long parseNanos(byte[] bytes, int from, int to) {
        return parseNanos(new AsciiSequence(bytes), from, to);
    }

    /** A zero-copy view of ASCII bytes as characters, so parsing needs no decoding. */
    private record AsciiSequence(byte[] bytes) implements CharSequence {
        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Appends {@code nanos} in this unit with all its nanoseconds. */
    public void format(long nanos, StringBuilder out) {
        if (decimals == 0) {
            out.append(nanos);
            return;
        }
        if (nanos < 0) {
            out.append('-');
            if (nanos == Long.MIN_VALUE) {
                throw new ArithmeticException("out of range");
            }
            nanos = -nanos;
        }
        out.append(nanos / nanosPerUnit).append('.');
        long fraction = nanos % nanosPerUnit;
        for (long p = nanosPerUnit / 10; p > 0; p /= 10) {
            out.append((char) ('0' + (fraction / p) % 10));
        }
    }

    private long slow(CharSequence text, int from, int to) {
        // Exponent notation and other rare spellings: exact but slower. Halves round away from
        // zero, as on the fast path, so a value's rounding never depends on how it was spelled.
        BigDecimal value = new BigDecimal(text.subSequence(from, to).toString().trim());
        // Judge the magnitude from the digits and exponent before any arithmetic: rounding
        // "1e-9999999" or overflowing "1e9999999" exactly takes BigDecimal tens of seconds.
        long integerDigits = (long) value.precision() - value.scale();
        if (value.signum() == 0 || integerDigits < -20) {
            return 0; // below 1e-20 units: under half a nanosecond in any unit
        }
        if (integerDigits > 20) {
            throw new NumberFormatException("out of range");
        }
        try {
            return value.multiply(BigDecimal.valueOf(nanosPerUnit)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException overflow) {
            throw new NumberFormatException("out of range");
        }
    }
}
