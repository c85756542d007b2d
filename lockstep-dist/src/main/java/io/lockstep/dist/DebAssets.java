package io.lockstep.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import io.lockstep.cli.Main;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Build-time generator of the Debian package's derived files, run by the build in its own JVM:
 * one troff man page per verb (walking the picocli model of {@code lockstep}), the bash completion
 * script (picocli's AutoComplete) and {@code changelog.Debian.gz}, all gzip-compressed the way
 * Debian wants (maximum compression, no name or time stamp, so rebuilds are byte-identical).
 * picocli-codegen's ManPageGenerator was not used: it writes AsciiDoc, which needs Asciidoctor
 * (JRuby, tens of MB and seconds per build) to become a man page. Not thread-safe; one run per
 * build.
 */
public final class DebAssets {

    private DebAssets() {
    }

    /**
     * Writes {@code man1/*.1.gz}, {@code completion/lockstep} and {@code doc/changelog.Debian.gz}.
     *
     * @param args output directory, Debian version, changelog template ({@code @VERSION@} replaced)
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: DebAssets OUT_DIR DEB_VERSION CHANGELOG_TEMPLATE");
        }
        Path out = Path.of(args[0]);
        String version = args[1];
        CommandLine root = new CommandLine(new Main());
        Path man = Files.createDirectories(out.resolve("man1"));
        int pages = writeManPages(root, man, version);
        Path completion = Files.createDirectories(out.resolve("completion"));
        Files.writeString(completion.resolve("lockstep"), completionScript(root), StandardCharsets.UTF_8);
        Path doc = Files.createDirectories(out.resolve("doc"));
        String changelog = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).replace("@VERSION@", version);
        Files.write(doc.resolve("changelog.Debian.gz"), gzip(changelog.getBytes(StandardCharsets.UTF_8)));
        System.out.println("deb assets: " + pages + " man pages, bash completion, changelog " + version + " in " + out);
    }

    /**
     * picocli's bash completion without its {@code #!} line: bash-completion sources the file, and
     * lintian flags a hashbang there.
     */
    static String completionScript(CommandLine root) {
        String script = AutoComplete.bash("lockstep", root);
        return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
    }

    /** One page per command and subcommand (not picocli's built-in {@code help}); returns the count. */
    static int writeManPages(CommandLine command, Path dir, String version) throws IOException {
        int count = 0;
        CommandSpec spec = command.getCommandSpec();
        if (!(spec.userObject() instanceof CommandLine.HelpCommand)) {
            String page = pageName(spec);
            Files.write(dir.resolve(page + ".1.gz"), gzip(manPage(spec, version).getBytes(StandardCharsets.UTF_8)));
            count++;
        }
        // A subcommand is listed under its name and each alias: one page for it.
        for (CommandLine sub : new java.util.LinkedHashSet<>(command.getSubcommands().values())) {
            count += writeManPages(sub, dir, version);
        }
        return count;
    }

    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The troff source of one command's page. */
    static String manPage(CommandSpec spec, String version) {
        StringBuilder m = new StringBuilder();
        String page = pageName(spec);
        String[] description = spec.usageMessage().description();
        String summary = description.length == 0 ? spec.qualifiedName() : firstSentence(description[0]);
        m.append(".\\\" Generated from the lockstep command line by io.lockstep.dist.DebAssets; do not edit.\n");
        m.append(".TH ").append(page.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"lockstep ")
                .append(escape(version)).append("\" \"Lockstep Manual\"\n");
        m.append(".SH NAME\n").append(escape(page)).append(" \\- ").append(escape(summary)).append('\n');
        m.append(".SH SYNOPSIS\n.nf\n");
        m.append(escapeLines(synopsis(spec)));
        m.append(".fi\n");
        m.append(".SH DESCRIPTION\n");
        if (description.length == 0) {
            m.append(escape(spec.qualifiedName())).append('\n');
        }
        for (String paragraph : description) {
            m.append(".PP\n").append(escapeLines(paragraph));
        }
        List<PositionalParamSpec> positionals = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                positionals.add(p);
            }
        }
        if (!positionals.isEmpty()) {
            m.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                m.append(".TP\n").append("\\fI").append(escape(p.paramLabel())).append("\\fR\n");
                m.append(escapeLines(String.join(" ", p.description())));
            }
        }
        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                options.add(o);
            }
        }
        if (!options.isEmpty()) {
            m.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                m.append(".TP\n");
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + escape(n) + "\\fR");
                }
                m.append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    m.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                m.append('\n').append(escapeLines(String.join(" ", o.description())));
            }
        }
        List<String> subs = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (!(s.userObject() instanceof CommandLine.HelpCommand) && !subs.contains(pageName(s))) {
                subs.add(pageName(s));
                if (subs.size() == 1) {
                    m.append(".SH COMMANDS\n");
                }
                String[] d = s.usageMessage().description();
                m.append(".TP\n\\fB").append(escape(s.qualifiedName())).append("\\fR\n")
                        .append(escapeLines(d.length == 0 ? "" : firstSentence(d[0])));
            }
        }
        m.append(".SH EXIT STATUS\n0 on success, 1 when the operation failed, 2 for bad input.\n");
        m.append(".SH SEE ALSO\n");
        List<String> seeAlso = new ArrayList<>();
        if (spec.parent() != null) {
            seeAlso.add("\\fB" + escape(pageName(spec.parent())) + "\\fR(1)");
        }
        for (String s : subs) {
            seeAlso.add("\\fB" + escape(s) + "\\fR(1)");
        }
        seeAlso.add("/usr/share/doc/lockstep/");
        m.append(String.join(",\n", seeAlso)).append('\n');
        return m.toString();
    }

    private static String synopsis(CommandSpec spec) {
        CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return help.synopsis(0).strip();
    }

    private static String firstSentence(String text) {
        String t = text.strip();
        int dot = t.indexOf(". ");
        t = dot < 0 ? t : t.substring(0, dot + 1);
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** Escapes text and ends each of its lines with a newline. */
    private static String escapeLines(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.strip().split("\r?\n", -1)) {
            String e = escape(line.stripTrailing());
            b.append(e.isEmpty() ? ".sp" : e).append('\n');
        }
        return b.toString();
    }

    /**
     * troff escaping: backslash and minus written out, and a line may not start with a control
     * character ({@code .} or {@code '}).
     */
    static String escape(String text) {
        String e = text.replace("\\", "\\e").replace("-", "\\-");
        if (e.startsWith(".") || e.startsWith("'")) {
            e = "\\&" + e;
        }
        return e;
    }

    /**
     * gzip with maximum compression and a header without file name or time (mtime 0, XFL 2 =
     * "max compression", OS 3 = Unix), as {@code gzip -9n} writes it and lintian expects.
     */
    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            out.write(buf, 0, n);
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, data.length);
        return out.toByteArray();
    }

    private static void writeIntLe(OutputStream out, int v) throws IOException {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
