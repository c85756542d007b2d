package io.lockstep.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Helpers of the package checks: where the built .deb is, whether a Debian tool is installed
 * (missing: the test is skipped with a message, except under CI=true, where it fails, since
 * .ci/run installs the tools), and running a command with a generous deadline. Stateless.
 */
final class DebTools {

    private DebTools() {
    }

    /** Result of one command: exit code and what it printed (stdout and stderr merged). */
    record Run(int exit, String output) {
    }

    static Path deb() {
        String version = System.getProperty("deb.version", "0.1.0~SNAPSHOT-1");
        Path deb = Path.of("target", "lockstep_" + version + "_all.deb");
        assertTrue(Files.isRegularFile(deb), deb + " is missing: it is built by `mvn package` before these checks run");
        return deb;
    }

    /** Skips the test (outside CI) when {@code tool} is not on the PATH. */
    static void require(String tool, String debianPackage) {
        boolean present = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(tool + " is missing under CI (Debian package " + debianPackage + "; .ci/run installs it)");
        }
        assumeTrue(present, tool + " not installed (Debian package " + debianPackage + "): skipped outside CI");
    }

    static Run run(List<String> command, Map<String, String> env, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path log = Files.createTempFile("lockstep-dist-run", ".log");
        try {
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static Run run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of(), null, 300);
    }

    /** Unpacks the package's files into {@code root} (dpkg-deb -x: no maintainer scripts run). */
    static void extract(Path deb, Path root) throws IOException, InterruptedException {
        Run x = run("dpkg-deb", "-x", deb.toString(), root.toString());
        assertTrue(x.exit() == 0, x.output());
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                p.toFile().setWritable(true);
            }
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
