package io.lockstep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lockstep.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Checks the built Debian package the way a packager would: {@code dpkg-deb --info} and
 * {@code --contents} (control fields, every file where Debian wants it, a man page for every
 * verb, conffiles), {@code lintian} without errors, and the unpacked launcher really starting the
 * jar with the JVM flags of the repository's {@code ./lockstep}. Skipped with a message outside CI
 * when dpkg-deb or lintian is missing. Not thread-safe (one JUnit run).
 */
class DebPackageIT {

    @Test
    void controlFieldsNameAJava17RuntimeAndFollowTheMavenVersion() throws Exception {
        DebTools.require("dpkg-deb", "dpkg");
        DebTools.Run info = DebTools.run("dpkg-deb", "--info", DebTools.deb().toString());
        assertEquals(0, info.exit(), info.output());
        String expected = System.getProperty("project.version", "0.1.0-SNAPSHOT").replace("-SNAPSHOT", "~SNAPSHOT");
        assertTrue(info.output().contains(" Version: " + expected + "-"), info.output());
        assertTrue(info.output().contains(" Package: lockstep\n"), info.output());
        assertTrue(info.output().contains(" Architecture: all\n"), info.output());
        assertTrue(info.output().contains(
                " Depends: default-jre-headless (>= 2:1.17) | openjdk-17-jre-headless | java17-runtime-headless\n"), info.output());
        for (String script : List.of("postinst", "prerm", "postrm", "conffiles")) {
            assertTrue(info.output().contains(script), script + " missing:\n" + info.output());
        }
    }

    @Test
    void contentsHoldLauncherJarManPagesCompletionUnitsAndConffiles() throws Exception {
        DebTools.require("dpkg-deb", "dpkg");
        DebTools.Run contents = DebTools.run("dpkg-deb", "--contents", DebTools.deb().toString());
        assertEquals(0, contents.exit(), contents.output());
        String c = contents.output();
        assertTrue(Pattern.compile("-rwxr-xr-x root/root .* \\./usr/bin/lockstep\\n").matcher(c).find(), c);
        for (String file : List.of("./usr/share/lockstep/lockstep.jar", "./usr/share/bash-completion/completions/lockstep",
                "./usr/share/doc/lockstep/copyright", "./usr/share/doc/lockstep/changelog.Debian.gz",
                "./lib/systemd/system/lockstep-agent.service", "./lib/systemd/system/lockstep-serve.service",
                "./etc/lockstep/agent.conf", "./etc/lockstep/serve.conf", "./etc/lockstep/actions", "./etc/lockstep/fleet")) {
            assertTrue(c.contains(" " + file + "\n"), file + " missing:\n" + c);
        }
        Set<String> verbs = new LinkedHashSet<>();
        collectPages(new CommandLine(new Main()), verbs);
        List<String> missing = new ArrayList<>();
        for (String page : verbs) {
            if (!c.contains(" ./usr/share/man/man1/" + page + ".1.gz\n")) {
                missing.add(page);
            }
        }
        assertTrue(missing.isEmpty(), "no man page for " + missing + ":\n" + c);
        assertTrue(verbs.size() > 20, verbs.toString());

        DebTools.Run conffiles = DebTools.run("sh", "-c", "dpkg-deb --ctrl-tarfile '" + DebTools.deb() + "' | tar -xOf - ./conffiles");
        assertEquals(Set.of("/etc/lockstep/agent.conf", "/etc/lockstep/serve.conf", "/etc/lockstep/actions", "/etc/lockstep/fleet"),
                Set.copyOf(conffiles.output().strip().lines().toList()), conffiles.output());
    }

    @Test
    void lintianReportsNoErrors() throws Exception {
        DebTools.require("lintian", "lintian");
        long start = System.nanoTime();
        DebTools.Run lintian = DebTools.run(List.of("lintian", "--fail-on", "error", DebTools.deb().toString()), Map.of(), null, 600);
        System.out.printf("lintian took %.1f s:%n%s%n", (System.nanoTime() - start) / 1e9, lintian.output());
        assertFalse(Pattern.compile("(?m)^E: ").matcher(lintian.output()).find(), lintian.output());
        assertEquals(0, lintian.exit(), lintian.output());
    }

    @Test
    void unpackedLauncherFindsJavaAndStartsTheJar() throws Exception {
        DebTools.require("dpkg-deb", "dpkg");
        Path root = Files.createTempDirectory("lockstep-deb-root");
        try {
            DebTools.extract(DebTools.deb(), root);
            DebTools.Run version = DebTools.run(List.of(root.resolve("usr/bin/lockstep").toString(), "--version"),
                    Map.of(), null, 120);
            assertEquals(0, version.exit(), version.output());
            assertTrue(version.output().startsWith("lockstep "), version.output());
        } finally {
            DebTools.deleteTree(root);
        }
    }

    @Test
    void launcherGivesServeAndAgentTheSameJvmFlagsAsTheRepositoryScript() throws Exception {
        String repo = Files.readString(Path.of("..", "lockstep"));
        String launcher = Files.readString(Path.of("src", "deb", "bin", "lockstep"));
        assertEquals(flags(repo), flags(launcher));
        assertEquals(2, flags(launcher).size(), launcher);
    }

    private static List<String> flags(String script) {
        List<String> flags = new ArrayList<>();
        Matcher m = Pattern.compile("LOCKSTEP_JAVA_OPTS=\"([^\"]*)\"").matcher(script);
        while (m.find()) {
            flags.add(m.group(1));
        }
        return flags;
    }

    private static void collectPages(CommandLine command, Set<String> pages) {
        if (!(command.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)) {
            pages.add(DebAssets.pageName(command.getCommandSpec()));
        }
        for (CommandLine sub : new LinkedHashSet<>(command.getSubcommands().values())) {
            collectPages(sub, pages);
        }
    }
}
