package io.lockstep.fleet.action;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One action an agent allows, as defined by a line of its own actions file: the only thing a
 * trigger from the network can name. Immutable.
 *
 * @param name the name triggers use
 * @param kind what it does
 * @param args for {@code exec}, {@code line} and {@code tick}: the program and its arguments;
 *             for {@code write}: the path (already resolved against the file's directory) and the value
 * @param line where it was defined (1-based), for messages
 */
public record Action(String name, ActionKind kind, List<String> args, int line) {

    /** What an action name may look like: it travels in triggers and URLs, so no spaces or slashes. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public Action {
        Objects.requireNonNull(kind, "kind");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an action name (letters, digits, '_', '.', '-'; "
                    + "at most 64; starting with a letter or digit)");
        }
        args = List.copyOf(args);
        if (kind == ActionKind.WRITE ? args.size() != 2 : args.isEmpty()) {
            throw new IllegalArgumentException(kind == ActionKind.WRITE
                    ? "'write' takes a path and a value: NAME write PATH VALUE"
                    : "'" + kind.word() + "' needs a program: NAME " + kind.word() + " PROGRAM [ARG...]");
        }
    }

    /** The action as it would be written in an actions file (arguments with spaces quoted). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append(' ').append(kind.word());
        for (String a : args) {
            b.append(' ');
            if (a.isEmpty() || a.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == '#')) {
                b.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                b.append(a);
            }
        }
        return b.toString();
    }
}
