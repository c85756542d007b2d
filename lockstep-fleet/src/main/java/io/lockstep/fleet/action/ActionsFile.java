package io.lockstep.fleet.action;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The actions an agent allows, read from its {@code --actions FILE}: one action a line,
 * {@code NAME KIND ARG...}, blank lines and {@code #} comments ignored. Arguments are separated
 * by spaces; double or single quotes keep spaces in one argument, and inside double quotes a
 * backslash escapes the next character. A relative {@code write} path is taken relative to the
 * file's directory, so the agent's working directory does not change what it writes. Errors
 * name the file and line. Immutable and thread-safe.
 *
 * <pre>
 * # name   kind   arguments
 * blink    line   /usr/local/bin/led-loop --pin 17
 * shutter  exec   /usr/bin/gpioset gpiochip0 17=1
 * led      write  /sys/class/gpio/gpio17/value 1
 * beat     tick   /usr/local/bin/metronome
 * </pre>
 */
public final class ActionsFile {

    private final String source;
    private final Map<String, Action> actions;

    private ActionsFile(String source, Map<String, Action> actions) {
        this.source = source;
        this.actions = Collections.unmodifiableMap(actions);
    }

    /** An agent without an actions file: every trigger is refused. */
    public static ActionsFile empty() {
        return new ActionsFile("(no actions file)", new LinkedHashMap<>());
    }

    /**
     * Reads and parses {@code file}.
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException {@code FILE:LINE: what is wrong} for the first bad line
     */
    public static ActionsFile read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir);
    }

    /**
     * Parses actions from {@code text}.
     *
     * @param source  the name used in messages (a file name)
     * @param baseDir what relative {@code write} paths are relative to
     * @throws IllegalArgumentException {@code SOURCE:LINE: what is wrong} for the first bad line
     */
    public static ActionsFile parse(String text, String source, Path baseDir) {
        Map<String, Action> actions = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            List<String> words;
            try {
                words = split(lines[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": " + e.getMessage());
            }
            if (words.isEmpty()) {
                continue;
            }
            if (words.size() < 2) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": '" + words.get(0)
                        + "' has no kind; write NAME KIND ARG... with KIND one of exec, line, write, tick");
            }
            String name = words.get(0);
            ActionKind kind = kind(words.get(1), source, lineNo);
            List<String> args = new ArrayList<>(words.subList(2, words.size()));
            if (kind == ActionKind.WRITE && args.size() == 2 && baseDir != null) {
                args.set(0, baseDir.resolve(args.get(0)).normalize().toString());
            }
            Action action;
            try {
                action = new Action(name, kind, args, lineNo);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": " + e.getMessage());
            }
            Action before = actions.putIfAbsent(name, action);
            if (before != null) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": action '" + name
                        + "' is already defined on line " + before.line());
            }
        }
        return new ActionsFile(source, actions);
    }

    private static ActionKind kind(String word, String source, int lineNo) {
        for (ActionKind k : ActionKind.values()) {
            if (k.word().equals(word.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException(source + ":" + lineNo + ": unknown kind '" + word
                + "'; use exec, line, write or tick");
    }

    /** Splits one line into words: spaces separate, quotes group, {@code #} outside quotes starts a comment. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' || c == '\'') {
                if (word == null) {
                    word = new StringBuilder();
                }
                int close = i + 1;
                while (close < line.length() && line.charAt(close) != c) {
                    char q = line.charAt(close);
                    if (c == '"' && q == '\\' && close + 1 < line.length()) {
                        close++;
                        q = line.charAt(close);
                    }
                    word.append(q);
                    close++;
                }
                if (close >= line.length()) {
                    throw new IllegalArgumentException("unclosed " + c + " quote");
                }
                i = close;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                if (word == null) {
                    word = new StringBuilder();
                }
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The action called {@code name}, if this file defines it. */
    public Optional<Action> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** Every action, in file order. */
    public Collection<Action> actions() {
        return actions.values();
    }

    /** The kinds of action this file names (empty for an empty file). */
    public java.util.Set<ActionKind> kinds() {
        java.util.EnumSet<ActionKind> kinds = java.util.EnumSet.noneOf(ActionKind.class);
        actions().forEach(a -> kinds.add(a.kind()));
        return kinds;
    }

    /**
     * One message per {@code exec}, {@code line} or {@code tick} action whose program is not an
     * executable file now, so the agent can say so at start instead of failing at the first
     * firing. A program with a slash is taken as a path (relative ones against the working
     * directory, as the process is started); a bare name is looked up in {@code searchPath}.
     * Only a warning: the program may be installed before the first trigger.
     *
     * @param searchPath the PATH to resolve bare names in ({@code :}-separated; null for none)
     */
    public List<String> missingPrograms(String searchPath) {
        List<String> missing = new ArrayList<>();
        for (Action a : actions()) {
            if (a.kind() == ActionKind.WRITE) {
                continue;
            }
            String program = a.args().get(0);
            if (!isRunnable(program, searchPath)) {
                missing.add("action '" + a.name() + "': program " + program + " not found or not executable");
            }
        }
        return missing;
    }

    private static boolean isRunnable(String program, String searchPath) {
        if (program.contains("/")) {
            return runnableFile(Path.of(program));
        }
        if (searchPath == null) {
            return false;
        }
        for (String dir : searchPath.split(java.io.File.pathSeparator, -1)) {
            // An empty PATH entry means the working directory, as execvp reads it.
            if (runnableFile(Path.of(dir.isEmpty() ? "." : dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean runnableFile(Path p) {
        try {
            return Files.isRegularFile(p) && Files.isExecutable(p);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** Where the actions came from, for messages. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source + " (" + actions.size() + " actions)";
    }
}
