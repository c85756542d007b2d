package io.lockstep.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One chronyd run for a benchmark, started safely: always {@code -x} (the system clock is never
 * touched), a private configuration, pidfile and optional command socket in a private 0700
 * temporary directory, no drift file, loopback addresses only. {@link #close()} kills it.
 * Not thread-safe.
 */
final class ChronydProcess implements AutoCloseable {

    static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    static final Path CHRONYC = Path.of("/usr/bin/chronyc");

    private final Path dir;
    private final String name;
    private final Process process;

    private ChronydProcess(Path dir, String name, Process process) {
        this.dir = dir;
        this.name = name;
        this.process = process;
    }

    /** True when chronyd is installed where Debian puts it. */
    static boolean installed() {
        return Files.isExecutable(CHRONYD);
    }

    /** chronyd's version line, e.g. {@code chronyd (chrony) version 4.3 (...)}, shortened to "chronyd 4.3". */
    static String version() {
        try {
            Process p = new ProcessBuilder(CHRONYD.toString(), "-v").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "chronyd";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("version (\\S+)").matcher(out);
            return m.find() ? "chronyd " + m.group(1) : "chronyd";
        } catch (IOException e) {
            return "chronyd";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "chronyd";
        }
    }

    /** Starts {@code chronyd -x -d} in {@code dir} with the given configuration lines; waits until it runs. */
    static ChronydProcess start(Path dir, String name, List<String> configLines) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>(configLines);
        lines.add("pidfile " + dir.resolve(name + ".pid"));
        Path conf = dir.resolve(name + ".conf");
        Files.write(conf, lines, StandardCharsets.US_ASCII);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(CHRONYD.toString(), "-x", "-d", "-u", "root", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChronydProcess c = new ChronydProcess(dir, name, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (!p.isAlive()) {
                throw new IOException("chronyd exited: " + out.strip().replace('\n', ' '));
            }
            if (out.contains("Disabled control of system clock")) {
                return c;
            }
            Thread.sleep(50);
        }
        c.close();
        throw new IOException("chronyd did not start within 10 s");
    }

    /** Path for this run's command socket (use it in {@code bindcmdaddress}). */
    static Path socketPath(Path dir, String name) {
        return dir.resolve(name + ".sock");
    }

    /** Runs a chronyc command against this chronyd's command socket, bounded to 20 s. */
    String chronyc(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHRONYC.toString(), "-n", "-h", socketPath(dir, name).toString()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new IOException("chronyc did not answer within 20 s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Stops chronyd: SIGTERM, and SIGKILL if it has not exited within 3 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
