package io.lockstep.correct;

import java.util.Locale;

/**
 * Which way a correction maps timestamps between the two clocks of an offset log: the
 * <b>local</b> clock (the host that ran {@code lockstep track}, the log's {@code local_ns}) and
 * the <b>tracked</b> clock (the target it followed). Named from the data's side because the
 * wrong choice is silent: it applies the offset with the wrong sign and lands twice the offset
 * away from the truth. Immutable constants, thread-safe.
 */
public enum ClockDirection {
    /** Data stamped by the host that ran {@code track}, mapped to the tracked clock: {@code tracked = local − offset}. */
    LOCAL_TO_TRACKED("local", "tracked"),
    /**
     * Data stamped by the tracked device (a Neon export when the PC ran {@code track neon://…}),
     * mapped to the clock of the host that ran {@code track}: {@code local = tracked + offset}.
     */
    TRACKED_TO_LOCAL("tracked", "local");

    private final String from;
    private final String to;

    ClockDirection(String from, String to) {
        this.from = from;
        this.to = to;
    }

    /** The clock the input is stamped in: {@code local} or {@code tracked}. */
    public String from() {
        return from;
    }

    /** The clock the output is in: {@code local} or {@code tracked}. */
    public String to() {
        return to;
    }

    /**
     * The direction named by {@code from} and {@code to}, each {@code local} or {@code tracked}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException when a word is neither, or both name the same clock
     */
    public static ClockDirection of(String from, String to) {
        String f = word("from", from);
        String t = word("to", to);
        if (f.equals(t)) {
            throw new IllegalArgumentException("--from and --to both say '" + f + "'; one must be local and the other tracked");
        }
        return f.equals("local") ? LOCAL_TO_TRACKED : TRACKED_TO_LOCAL;
    }

    private static String word(String option, String text) {
        String w = text.trim().toLowerCase(Locale.ROOT);
        if (!w.equals("local") && !w.equals("tracked")) {
            throw new IllegalArgumentException("--" + option + " '" + text + "' is not a clock of the offset log; use local "
                    + "(the host that ran track) or tracked (the target it followed)");
        }
        return w;
    }

    @Override
    public String toString() {
        return "from " + from + " to " + to;
    }
}
