package io.lockstep.net.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Starts and stops the real NTP peers the interop tests talk to (chronyd, chronyc and
 * python3-ntplib from Debian), safely: chronyd always runs with {@code -x} (never touches the
 * clock) or {@code -Q} (query only), a private config, pidfile and command socket in a private
 * temporary directory, no drift file, loopback addresses only; every wait is bounded and every
 * process started is killed. Not thread-safe; one per test class.
 */
final class PeerProcesses implements AutoCloseable {

    static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    static final Path CHRONYC = Path.of("/usr/bin/chronyc");
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    PeerProcesses() throws IOException {
        // createTempDirectory makes a 0700 directory, which chronyd requires for its command socket.
        this.dir = Files.createTempDirectory("lockstep-ntp-interop");
    }

    Path dir() {
        return dir;
    }

    /**
     * Requires a program; when it is missing the test fails under CI ({@code CI=true}) and is
     * skipped elsewhere, always with a message naming the Debian package.
     */
    static void require(Path program, String debianPackage, String... check) {
        boolean ok = Files.isExecutable(program);
        if (ok && check.length > 0) {
            try {
                Process p = new ProcessBuilder(check).redirectErrorStream(true).start();
                ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
                p.destroyForcibly();
            } catch (IOException e) {
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ok = false;
            }
        }
        if (!ok) {
            String msg = program + " (Debian package " + debianPackage + ") is not usable; .ci/run installs it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago. */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code chronyd -x -d} with {@code configLines} plus a private pidfile; waits until it
     * has started.
     */
    Process startChronyd(String name, List<String> configLines) throws IOException, InterruptedException {
        Path conf = writeConfig(name, configLines);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(CHRONYD.toString(), "-x", "-d", "-u", "root", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (!p.isAlive()) {
                fail("chronyd " + name + " exited: " + out);
            }
            if (out.contains("Disabled control of system clock")) {
                return p;
            }
            Thread.sleep(50);
        }
        fail("chronyd " + name + " did not start within 10 s: " + Files.readString(log));
        return p;
    }

    /** Runs {@code chronyd -Q} (query only, no clock control) with a private config; returns its output. */
    String queryChronyd(String name, List<String> configLines) throws IOException, InterruptedException {
        Path conf = writeConfig(name, configLines);
        return run(List.of(CHRONYD.toString(), "-Q", "-d", "-u", "root", "-t", "20", "-f", conf.toString()), 40);
    }

    /** Runs chronyc against the command socket at {@code socket}. */
    String chronyc(Path socket, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHRONYC.toString(), "-n", "-h", socket.toString()));
        cmd.addAll(List.of(command));
        return run(cmd, 20);
    }

    /** Runs a Python script with /usr/bin/python3 (the one with ntplib); returns its stdout and stderr. */
    String python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        cmd.addAll(List.of(args));
        return run(cmd, 60);
    }

    /** Runs a command to completion within {@code timeoutSeconds}, returning its combined output. */
    String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        started.add(p);
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s: "
                        + Files.readString(out));
            }
            return Files.readString(out);
        } finally {
            kill(p);
        }
    }

    private Path writeConfig(String name, List<String> configLines) throws IOException {
        List<String> lines = new ArrayList<>(configLines);
        lines.add("pidfile " + dir.resolve(name + ".pid"));
        Path conf = dir.resolve(name + ".conf");
        Files.write(conf, lines, StandardCharsets.US_ASCII);
        return conf;
    }

    private static void kill(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(3, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            try {
                kill(p);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir);
    }

    /** Removes the private directory (configs, logs, sockets); keeps it only when CI wants artefacts. */
    static void deleteTree(Path root) {
        if (System.getenv("LOCKSTEP_KEEP_INTEROP_FILES") != null) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftover temporary files are harmless; the test result does not depend on them.
        }
    }
}
