package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The README and the pages under docs/ stay true to the repository: every relative link names a
 * file of this repository (and, with an anchor, one of its headings), no page points outside the
 * repository, every {@code ./lockstep ...} example names an existing command and only options that
 * command has (read from the CLI's picocli model), and the README stays a front door of at most
 * 350 lines. Reads files only (a few seconds, most of it loading the commands). Not thread-safe
 * (JUnit runs it on one thread).
 */
class DocsTest {

    private static final int README_MAX_LINES = 350;
    private static final Pattern FENCE = Pattern.compile("(?m)^[ \\t]*```[^\\n]*\\n(.*?)^[ \\t]*```[ \\t]*$", Pattern.DOTALL);
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]*)\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?)\\s*#*\\s*$");
    private static final Pattern LOCKSTEP = Pattern.compile("(?<![\\w/.-])\\./lockstep(?=\\s|$)");
    private static final Set<String> ENDS_COMMAND = Set.of("|", "||", "&", "&&", ";", ">", ">>", "2>", "2>&1", "<", "--", "...", "…");

    private static Path root;
    private static List<Path> pages;

    @BeforeAll
    static void findPages() throws IOException {
        root = Path.of("..").toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        found.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(found::add);
        }
        pages = found;
    }

    @Test
    void theReadmeIsAFrontDoor() throws IOException {
        long lines = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8).size();
        assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines; at most " + README_MAX_LINES
                + ": move the detail into docs/ and link it");
    }

    @Test
    void everyRelativeLinkResolvesToAFileAndHeadingOfThisRepository() throws IOException {
        Map<Path, Set<String>> anchorsByPage = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            String text = Files.readString(page, StandardCharsets.UTF_8);
            String prose = withoutCode(text);
            Matcher m = LINK.matcher(prose);
            while (m.find()) {
                String target = m.group(2);
                if (target.matches("(?i)(https?|mailto):.*")) {
                    continue;
                }
                String where = root.relativize(page) + ":" + lineOf(prose, m.start()) + ": (" + target + ")";
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!resolved.startsWith(root)) {
                    broken.add(where + " points outside the repository");
                    continue;
                }
                if (!Files.exists(resolved)) {
                    broken.add(where + " names a file that does not exist");
                    continue;
                }
                if (anchor != null) {
                    Set<String> anchors = anchorsByPage.computeIfAbsent(resolved, DocsTest::anchorsOf);
                    if (!anchors.contains(anchor)) {
                        broken.add(where + " names no heading of " + root.relativize(resolved) + " (it has " + anchors + ")");
                    }
                }
            }
            for (String outside : List.of("../shared", "/work/", "ARCHITECTURE.md")) {
                if (text.contains(outside)) {
                    broken.add(root.relativize(page) + ":" + lineOf(text, text.indexOf(outside))
                            + ": points outside the repository (" + outside + ")");
                }
            }
        }
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }

    @Test
    void everyLockstepExampleNamesAnExistingCommandAndItsOptions() throws IOException {
        CommandSpec main = new CommandLine(new Main()).getCommandSpec();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            String text = Files.readString(page, StandardCharsets.UTF_8);
            for (Snippet s : commandSnippets(text)) {
                Matcher m = LOCKSTEP.matcher(s.text());
                while (m.find()) {
                    List<String> words = shellWords(s.text().substring(m.end()));
                    String problem = check(main, words);
                    checked++;
                    if (problem != null) {
                        wrong.add(root.relativize(page) + ":" + s.line() + ": ./lockstep " + String.join(" ", words)
                                + ": " + problem);
                    }
                }
            }
        }
        assertTrue(checked > 50, "expected the docs to hold many ./lockstep examples, found " + checked);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** Null when the words name an existing (sub)command and only options it has; otherwise why not. */
    private static String check(CommandSpec main, List<String> words) {
        CommandSpec command = main;
        boolean inVerbs = true;
        for (String raw : words) {
            String word = raw.replaceAll("^[\\[(]+|[\\])]+$", "");
            if (word.isEmpty()) {
                continue;
            }
            if (word.startsWith("-") && word.length() > 1 && !Character.isDigit(word.charAt(1))) {
                String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
                if (command.findOption(name) == null) {
                    return "'" + command.qualifiedName() + "' has no option " + name;
                }
                continue;
            }
            if (inVerbs && !command.subcommands().isEmpty()) {
                CommandLine sub = command.subcommands().get(word);
                if (sub != null) {
                    command = sub.getCommandSpec();
                    continue;
                }
                if (command.positionalParameters().isEmpty()) {
                    return "'" + command.qualifiedName() + "' has no subcommand " + word
                            + " (it has " + command.subcommands().keySet() + ")";
                }
            }
            inVerbs = false;
        }
        return command == main && !words.isEmpty() ? "names no command" : null;
    }

    private record Snippet(String text, int line) {
    }

    /** Each line of a fenced block, and each inline code span of the prose (joined across line breaks). */
    private static List<Snippet> commandSnippets(String text) {
        List<Snippet> snippets = new ArrayList<>();
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            int line = lineOf(text, fence.start(1));
            for (String l : fence.group(1).split("\n", -1)) {
                snippets.add(new Snippet(l, line++));
            }
        }
        String prose = withoutFences(text);
        Matcher code = INLINE_CODE.matcher(prose);
        while (code.find()) {
            snippets.add(new Snippet(code.group(1).replace('\n', ' '), lineOf(prose, code.start())));
        }
        return snippets;
    }

    /** Shell-like words up to the end of the command (a comment, a pipe, a redirection, `--`, `;`). */
    private static List<String> shellWords(String rest) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord && !endWord(words, word)) {
                    return words;
                }
                word.setLength(0);
                inWord = false;
            } else if (c == '#' && !inWord) {
                return words;
            } else if (c == ';') {
                if (inWord) {
                    endWord(words, word);
                }
                return words;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            endWord(words, word);
        }
        return words;
    }

    /** Adds the word unless it ends the command; returns whether the command goes on. */
    private static boolean endWord(List<String> words, StringBuilder word) {
        String w = word.toString();
        if (ENDS_COMMAND.contains(w) || w.startsWith(">") || w.startsWith("2>") || w.startsWith("|")) {
            return false;
        }
        words.add(w);
        return true;
    }

    private static Set<String> anchorsOf(Path page) {
        try {
            String text = withoutFences(Files.readString(page, StandardCharsets.UTF_8));
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            Matcher h = HEADING.matcher(text);
            while (h.find()) {
                String slug = slug(h.group(1));
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
            return anchors;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** GitHub's heading anchor: link text kept, lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{Mn} _-]", "").replace(' ', '-');
    }

    private static String withoutFences(String text) {
        return blankOut(text, FENCE);
    }

    private static String withoutCode(String text) {
        return blankOut(withoutFences(text), INLINE_CODE);
    }

    /** Replaces each match by as many line breaks as it held, so line numbers stay right. */
    private static String blankOut(String text, Pattern p) {
        Matcher m = p.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kept = m.group().chars().filter(c -> c == '\n').mapToObj(c -> "\n").collect(Collectors.joining());
            m.appendReplacement(out, Matcher.quoteReplacement(" " + kept));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
