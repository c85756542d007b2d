package io.lockstep.correct;

import java.util.Locale;

/** What {@link CsvCorrector} does with a timestamp the offset log does not cover. Immutable constants, thread-safe. */
public enum OutsidePolicy {
    /** Stop with an error naming the first such line (the default: nothing is guessed silently). */
    FAIL,
    /** Map it with the nearest segment's line anyway, and count it in the report. */
    EXTRAPOLATE,
    /** Copy the row unchanged, and count it in the report. */
    KEEP,
    /** Empty the timestamp cell, keep the rest of the row, and count it in the report. */
    BLANK;

    /** Parses {@code fail}, {@code extrapolate}, {@code keep} or {@code blank}. */
    public static OutsidePolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown policy '" + text + "'; use fail, extrapolate, keep or blank");
        }
    }
}
