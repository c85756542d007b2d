package io.lockstep.fleet;

/**
 * Makes text from the network safe for a terminal or a log line: every control character (C0,
 * DEL, C1, so escape sequences, carriage returns and newlines) and every bidirectional override
 * or isolate (which reorders what a terminal shows) becomes {@code ?}. Applied where an agent's
 * or a sender's text enters the monitor or the agent's journal. Stateless and thread-safe.
 */
public final class SafeText {

    private SafeText() {
    }

    /** {@code text} with unsafe characters replaced by {@code ?}; null stays null. */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        int n = text.length();
        while (i < n && !unsafe(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder sb = new StringBuilder(n).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            sb.append(unsafe(c) ? '?' : c);
        }
        return sb.toString();
    }

    private static boolean unsafe(char c) {
        return Character.isISOControl(c) || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
