package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's {@code main} class in a JVM inside a network namespace of its own
 * ({@code unshare -n}), where loopback is brought up with multicast and a route for 224.0.0.0/4:
 * Linux's loopback has no MULTICAST flag, and a test must not change the machine's network. The
 * namespace and everything in it vanish with the child process. Skips the calling test where
 * namespaces are unavailable, except under CI, which must run it. Stateless; thread-safe.
 */
final class NamespaceRun {

    /** What the child printed, and how it ended. */
    record Result(String out, String err, int exitCode) {
        /** Both streams, for assertion messages. */
        String all() {
            return "out:\n" + out + "\nerr:\n" + err;
        }
    }

    private NamespaceRun() {
    }

    /**
     * Runs {@code main} with this test JVM's class path in a fresh network namespace and waits up
     * to {@code waitSeconds} for it; {@code what} names the test in the skip message.
     */
    static Result run(Class<?> main, String what, long waitSeconds) throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean canUnshare = Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                && new ProcessBuilder("unshare", "-n", "true").start().waitFor() == 0;
        if (!canUnshare) {
            assumeTrue(ci, "cannot create a network namespace here (unshare -n failed): skipping the " + what);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec \""
                + java + "\" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp \"$CP\" " + main.getName();
        Path errFile = Files.createTempFile("lockstep-netns", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "sh", "-c", script).redirectError(errFile.toFile());
            pb.environment().put("CP", System.getProperty("java.class.path"));
            Process p = pb.start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(waitSeconds, TimeUnit.SECONDS), "the namespace run did not finish");
            } finally {
                p.destroyForcibly();
            }
            return new Result(out, Files.readString(errFile), p.waitFor());
        } finally {
            Files.deleteIfExists(errFile);
        }
    }
}
