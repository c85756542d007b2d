package io.lockstep.time;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Parses and formats durations as written on Lockstep's command line: a decimal number and a
 * unit, e.g. {@code 137.5ms}, {@code 250us}, {@code 2s}, {@code 10m}, {@code -3ms}. Stateless
 * and thread-safe.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses {@code text} into nanoseconds. Units: ns, us (or µs), ms, s, m (minutes), h. A bare
     * zero ({@code 0}, {@code 0.0}) needs no unit: it is zero in every unit, and asking for one
     * would suggest e.g. {@code 0ms}, which an option that must be positive then refuses anyway.
     *
     * @throws IllegalArgumentException with a message fit for a one-line CLI error
     */
    public static long parseNanos(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration; write e.g. 137.5ms, 250us, 2s, 10m");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int split = t.length();
        while (split > 0 && Character.isLetter(t.charAt(split - 1))) {
            split--;
        }
        String number = t.substring(0, split).trim();
        String unit = t.substring(split);
        long unitNanos = switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "" -> {
                if (isZero(number)) {
                    yield 1L;
                }
                throw new IllegalArgumentException(
                        "duration '" + text + "' needs a unit (ns, us, ms, s, m, h), e.g. " + text.trim() + "ms");
            }
            default -> throw new IllegalArgumentException(
                    "unknown unit '" + unit + "' in duration '" + text + "' (use ns, us, ms, s, m, h)");
        };
        BigDecimal value;
        try {
            value = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 137.5ms, 250us, 2s");
        }
        BigDecimal nanos = value.multiply(BigDecimal.valueOf(unitNanos));
        try {
            return nanos.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration '" + text + "' is out of range");
        }
    }

    private static boolean isZero(String number) {
        try {
            return new BigDecimal(number).signum() == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Formats a duration the way the command line takes it: {@code 1s}, {@code 250ms}, {@code 1.50ms}. */
    public static String formatCompact(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return format(nanos).replace(" ", "");
    }

    /** Formats nanoseconds with a unit chosen for readability, e.g. {@code -137.500 ms}, {@code 42.1 us}. */
    public static String format(long nanos) {
        long abs = Math.abs(nanos);
        if (abs < 1_000L) {
            return nanos + " ns";
        } else if (abs < 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f us", nanos / 1e3);
        } else if (abs < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.6f s", nanos / 1e9);
    }
}
