package io.lockstep.sim.peers;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts, queries and stops the real NTP peers that interop tests and benchmarks talk to
 * (chronyd, chronyc and Python 3 from Debian), safely: chronyd always runs with {@code -x}
 * (never touches the system clock) or {@code -Q} (query only), with a private configuration,
 * pidfile and command socket in a private 0700 temporary directory, no drift file, and the
 * configuration lines the caller gives (loopback addresses, by convention). Every wait has a
 * time limit that is enforced (output goes to a file, so waiting never blocks on a pipe), and
 * {@link #close()} stops every process this instance started — and no other. Not thread-safe;
 * one per test class or benchmark run.
 */
public final class NtpPeers implements AutoCloseable {

    public static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    public static final Path CHRONYC = Path.of("/usr/bin/chronyc");
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final Duration CHRONYC_LIMIT = Duration.ofSeconds(20);
    private static final Duration START_LIMIT = Duration.ofSeconds(10);

    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    /** Creates the private directory (0700, which chronyd requires for its command socket). */
    public NtpPeers() throws IOException {
        this.dir = Files.createTempDirectory("lockstep-ntp-peers");
    }

    /** The private directory: configurations, logs, sockets. */
    public Path dir() {
        return dir;
    }

    /** True when {@code program} is executable and {@code check} (if given) exits 0 within 20 s. */
    public static boolean usable(Path program, String... check) {
        if (!Files.isExecutable(program)) {
            return false;
        }
        if (check.length == 0) {
            return true;
        }
        try (NtpPeers scratch = new NtpPeers()) {
            scratch.run(List.of(check), Duration.ofSeconds(20));
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** chronyd's version, e.g. "chronyd 4.3"; just "chronyd" when it cannot be read. */
    public static String chronydVersion() {
        try (NtpPeers scratch = new NtpPeers()) {
            Matcher m = Pattern.compile("version (\\S+)").matcher(
                    scratch.run(List.of(CHRONYD.toString(), "-v"), Duration.ofSeconds(10)));
            return m.find() ? "chronyd " + m.group(1) : "chronyd";
        } catch (IOException e) {
            return "chronyd";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "chronyd";
        }
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago. */
    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Path of the command socket for the chronyd named {@code name} (use it in {@code bindcmdaddress}). */
    public Path socketPath(String name) {
        return dir.resolve(name + ".sock");
    }

    /**
     * Starts {@code chronyd -x -d} with {@code configLines} plus a private pidfile, and waits
     * (at most 10 s) until it reports that it will not control the clock.
     *
     * @return the chronyd process (stopped by {@link #close()})
     * @throws IOException when it exits or does not start in time (its log in the message)
     */
    public Process startChronyd(String name, List<String> configLines) throws IOException, InterruptedException {
        Path conf = writeConfig(name, configLines);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(CHRONYD.toString(), "-x", "-d", "-u", "root", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (!p.isAlive()) {
                throw new IOException("chronyd " + name + " exited: " + out.strip().replace('\n', ' '));
            }
            if (out.contains("Disabled control of system clock")) {
                return p;
            }
            Thread.sleep(50);
        }
        stop(p);
        throw new IOException("chronyd " + name + " did not start within " + START_LIMIT.toSeconds() + " s: "
                + Files.readString(log).strip().replace('\n', ' '));
    }

    /** Runs {@code chronyd -Q} (query only, no clock control, gives up after 60 s; it normally ends in a few) with a private config. */
    public String queryChronyd(String name, List<String> configLines) throws IOException, InterruptedException {
        Path conf = writeConfig(name, configLines);
        return run(List.of(CHRONYD.toString(), "-Q", "-d", "-u", "root", "-t", "60", "-f", conf.toString()),
                Duration.ofSeconds(120));
    }

    /** Runs a chronyc command against the command socket of the chronyd named {@code name}, within 20 s. */
    public String chronyc(String name, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHRONYC.toString(), "-n", "-h", socketPath(name).toString()));
        cmd.addAll(List.of(command));
        return run(cmd, CHRONYC_LIMIT);
    }

    /** Runs a Python script with /usr/bin/python3 (Debian's, the one with ntplib), within 60 s. */
    public String python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        cmd.addAll(List.of(args));
        return run(cmd, Duration.ofSeconds(60));
    }

    /**
     * Runs {@code command} to completion and returns its combined output. The output goes to a
     * file rather than a pipe, so the wait is bounded by {@code limit} even when the command
     * never ends or never closes its output; then it is killed.
     *
     * @throws IOException when it does not finish within {@code limit} (its output so far in the
     *                     message) or exits non-zero
     */
    public String run(List<String> command, Duration limit) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        started.add(p);
        try {
            if (!p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish within " + limit.toMillis()
                        + " ms: " + Files.readString(out).strip());
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } finally {
            stop(p);
            started.remove(p);
            Files.deleteIfExists(out);
        }
    }

    private Path writeConfig(String name, List<String> configLines) throws IOException {
        List<String> lines = new ArrayList<>(configLines);
        lines.add("pidfile " + dir.resolve(name + ".pid"));
        Path conf = dir.resolve(name + ".conf");
        Files.write(conf, lines, StandardCharsets.US_ASCII);
        return conf;
    }

    /** SIGTERM, then SIGKILL if it has not exited within 3 s; only ever a process started here. */
    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every process this instance started and removes the private directory. */
    @Override
    public void close() {
        for (Process p : started) {
            stop(p);
        }
        started.clear();
        // CI may keep the configurations and logs as artefacts.
        if (System.getenv("LOCKSTEP_KEEP_INTEROP_FILES") != null) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftover temporary files are harmless.
        }
    }
}
