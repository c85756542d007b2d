package io.lockstep.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lockstep.sim.host.HostStats;

/**
 * A {@code lockstep serve} (or another long-running command: {@code agent}, {@code fleet
 * dashboard}) running in its own JVM, started by a benchmark so that the memory it
 * reports is the server's alone: resident set size from {@code /proc/PID/status}, the Java heap
 * from the JVM's performance counters ({@link HotSpotCounters}), and on request a live-object
 * histogram or a native-memory summary through {@code jcmd}. Linux only. Not thread-safe, except
 * {@link #rssBytes()} and {@link #heap()}, which a sampling thread may call while another thread
 * drives the benchmark.
 */
public final class ServerProcess implements AutoCloseable {

    /**
     * How to start the command line in another JVM.
     *
     * @param javaExecutable path of the {@code java} launcher
     * @param classPath      the class path holding the command line (the lockstep jar)
     * @param mainClass      its main class
     */
    public record Launcher(String javaExecutable, String classPath, String mainClass) {
        /** This JVM's own launcher and class path, running {@code mainClass}. */
        public static Launcher sameAsThisJvm(String mainClass) {
            return new Launcher(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    System.getProperty("java.class.path"), mainClass);
        }

        /** {@code java JVM_OPTIONS -cp CLASSPATH MAIN ARGS}, the command line that starts {@code args} in another JVM. */
        List<String> command(List<String> jvmOptions, List<String> args) {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable);
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(mainClass);
            cmd.addAll(args);
            return cmd;
        }

        /** {@code jcmd} beside the launcher, or null when this is a JRE without it. */
        Path jcmd() {
            Path p = Path.of(javaExecutable).resolveSibling("jcmd");
            return Files.isExecutable(p) ? p : null;
        }
    }

    private static final Pattern LISTENER = Pattern.compile("^(ntp|echo|http) (\\S+):(\\d+)$");

    private final Launcher launcher;
    private final Process process;
    private final Map<String, InetSocketAddress> listeners;
    private final StringBuilder stderr;
    private final HotSpotCounters counters;
    /** Stops the server if this JVM exits first (Ctrl-C on a benchmark), so no server is left behind. */
    private final Thread stopOnExit;

    private ServerProcess(Launcher launcher, Process process, Map<String, InetSocketAddress> listeners,
                          StringBuilder stderr) {
        this.launcher = launcher;
        this.process = process;
        this.listeners = listeners;
        this.stderr = stderr;
        this.counters = HotSpotCounters.of(process.pid());
        this.stopOnExit = new Thread(process::destroy, "lockstep-attack-server-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts {@code java JVM_OPTIONS -cp CLASSPATH MAIN serve SERVE_ARGS} and waits (up to 30 s)
     * until it has printed a line for every listener it was asked for.
     *
     * @param jvmOptions JVM flags, e.g. {@code -Xmx32m}
     * @param serveArgs  arguments after {@code serve}; listeners are counted from
     *                   {@code --ntp-port} and {@code --echo-port}
     */
    public static ServerProcess start(Launcher launcher, List<String> jvmOptions, List<String> serveArgs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add("serve");
        args.addAll(serveArgs);
        int expected = (serveArgs.contains("--ntp-port") ? 1 : 0) + (serveArgs.contains("--echo-port") ? 1 : 0);
        return start(launcher, jvmOptions, args, expected);
    }

    /**
     * Starts {@code java JVM_OPTIONS -cp CLASSPATH MAIN ARGS} (e.g. {@code agent ...} or
     * {@code fleet dashboard ...}) and waits (up to 30 s) until it has printed
     * {@code expectedListeners} listener lines ({@code ntp|echo|http HOST:PORT}).
     */
    public static ServerProcess start(Launcher launcher, List<String> jvmOptions, List<String> args,
                                      int expectedListeners) throws IOException, InterruptedException {
        List<String> cmd = launcher.command(jvmOptions, args);
        int expected = expectedListeners;
        Process p = new ProcessBuilder(cmd).start();
        StringBuilder err = new StringBuilder();
        drain(p.getErrorStream(), err, "lockstep-attack-server-stderr");
        Map<String, InetSocketAddress> found = new LinkedHashMap<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        // Read the listener lines on another thread so a silent, hung server cannot block us forever.
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = LISTENER.matcher(line.strip());
                    if (m.matches()) {
                        synchronized (found) {
                            found.put(m.group(1), new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3))));
                            found.notifyAll();
                        }
                    }
                }
            } catch (IOException ignored) {
                // The server exited; the waiting below notices.
            }
        }, "lockstep-attack-server-stdout");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (found) {
            while (found.size() < expected && p.isAlive() && System.nanoTime() - deadline < 0) {
                found.wait(100);
            }
        }
        if (found.size() < expected) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            String why;
            synchronized (err) {
                why = err.toString().strip().replace('\n', ' ');
            }
            throw new IOException("server did not start (" + String.join(" ", cmd) + "): "
                    + (why.isEmpty() ? "no listener line within 30 s" : why));
        }
        return new ServerProcess(launcher, p, Map.copyOf(found), err);
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The address a listener ({@code "ntp"} or {@code "echo"}) printed. */
    public InetSocketAddress listener(String protocol) {
        InetSocketAddress a = listeners.get(protocol);
        if (a == null) {
            throw new IllegalStateException("the server has no " + protocol + " listener");
        }
        return a;
    }

    /** True while the process runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Resident set size now ({@code VmRSS}), or -1 when the process has gone. */
    public long rssBytes() {
        return HostStats.rssBytes(pid());
    }

    /** Open file descriptors now (entries of {@code /proc/PID/fd}), or -1 when the process has gone. */
    public long descriptors() {
        return HostStats.descriptors(pid());
    }

    /** Threads now ({@code Threads:} of {@code /proc/PID/status}), or -1 when the process has gone. */
    public long threads() {
        return HostStats.threads(pid());
    }

    /**
     * CPU time the process has used so far, user and system, from {@code /proc/PID/stat}; -1
     * when it has gone. 10 ms resolution (see {@link HostStats#cpuNanos(long)}).
     */
    public long cpuNanos() {
        return HostStats.cpuNanos(pid());
    }

    /** The Java heap now, or null when its counters cannot be read (e.g. {@code -XX:-UsePerfData}). */
    public HotSpotCounters.Heap heap() {
        if (counters == null) {
            return null;
        }
        try {
            return counters.heap();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Collections that paused the server so far, or null when its counters cannot be read. */
    public HotSpotCounters.Pauses pauses() {
        if (counters == null) {
            return null;
        }
        try {
            return counters.pauses();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Live objects by class after a full collection ({@code jcmd PID GC.class_histogram}, which
     * collects first): bytes per class name. Empty when jcmd is unavailable or fails.
     */
    public Map<String, Long> liveHistogramBytes() throws InterruptedException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        // "   1:         12345         678900  java.lang.String (java.base@17)"
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                bytes.merge(m.group(3), Long.parseLong(m.group(2)), Long::sum);
            }
        }
        return bytes;
    }

    /**
     * Committed bytes per native-memory category ({@code jcmd PID VM.native_memory summary});
     * empty unless the server runs with {@code -XX:NativeMemoryTracking=summary}.
     */
    public Map<String, Long> nativeMemoryCommittedBytes() throws InterruptedException {
        Map<String, Long> committed = new LinkedHashMap<>();
        // "-                 Java Heap (reserved=6160384KB, committed=260096KB)" and "Total: reserved=..., committed=..."
        Pattern category = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)\\s*$");
        Pattern total = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB.*$");
        for (String line : jcmd("VM.native_memory", "summary").split("\n")) {
            Matcher m = category.matcher(line.strip());
            if (m.matches()) {
                committed.put(m.group(1).strip(), Long.parseLong(m.group(2)) * 1024);
                continue;
            }
            Matcher t = total.matcher(line.strip());
            if (t.matches()) {
                committed.put("Total", Long.parseLong(t.group(1)) * 1024);
            }
        }
        return committed;
    }

    /** What the server wrote on stderr so far. */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    private String jcmd(String... command) throws InterruptedException {
        Path jcmd = launcher.jcmd();
        if (jcmd == null || !alive()) {
            return "";
        }
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuilder text = new StringBuilder();
            Thread t = drain(p.getInputStream(), text, "lockstep-jcmd-output");
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            t.join(5_000);
            synchronized (text) {
                return text.toString();
            }
        } catch (IOException e) {
            return "";
        }
    }

    private static Thread drain(InputStream in, StringBuilder into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (into) {
                        // Keep the beginning, which says why a server failed; bound the rest.
                        if (into.length() < 1_000_000) {
                            into.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException ignored) {
                // Process ended.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException exiting) {
            // The hook is running or about to: it stops the server too.
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
