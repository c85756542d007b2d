package io.lockstep.fleet.chrony;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code chronyc -c tracking} every few seconds on a daemon thread and keeps the latest
 * report, so an agent can show the system clock as chronyd sees it without running a process per
 * status request. Where no chronyd runs or it cannot be reached (chronyc missing, "Could not open
 * connection to daemon", a slow or garbled answer) there is simply no report. Every run is
 * bounded: a deadline on the process and a cap on the output read. Thread-safe.
 */
public final class ChronyWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ChronyWatch.class.getName());

    /** How long one chronyc run may take before it is killed. */
    private static final long RUN_LIMIT_NANOS = 2_000_000_000L;

    /** The latest report and when it was read (monotonic). */
    public record Reading(ChronyTracking tracking, long readMonoNanos) {
    }

    private final List<String> command;
    private final long periodNanos;
    private final Thread thread;
    private volatile Reading latest;
    private volatile String lastFailure;
    private volatile boolean closed;

    private ChronyWatch(List<String> command, long periodNanos) {
        this.command = List.copyOf(command);
        this.periodNanos = periodNanos;
        this.thread = new Thread(this::loop, "lockstep-chrony-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading {@code command} (e.g. {@code chronyc -c -n tracking}, with {@code -h SOCKET}
     * for a chronyd elsewhere) every {@code periodNanos}; the first read happens at once.
     */
    public static ChronyWatch start(List<String> command, long periodNanos) {
        if (command.isEmpty() || periodNanos <= 0) {
            throw new IllegalArgumentException("a command and a positive period are needed");
        }
        ChronyWatch w = new ChronyWatch(command, periodNanos);
        w.thread.start();
        return w;
    }

    /** {@code chronyc -c -n tracking} when a chronyc is on the PATH (or in /usr/bin), otherwise null. */
    public static List<String> defaultCommand() {
        String path = System.getenv("PATH");
        String dirs = (path == null ? "" : path) + File.pathSeparator + "/usr/bin";
        for (String dir : dirs.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, "chronyc").canExecute()) {
                return List.of(new File(dir, "chronyc").getPath(), "-c", "-n", "tracking");
            }
        }
        return null;
    }

    /** The latest report if it was read within {@code maxAgeNanos}, else null. */
    public Reading latest(long maxAgeNanos) {
        Reading r = latest;
        return r == null || System.nanoTime() - r.readMonoNanos() > maxAgeNanos ? null : r;
    }

    /** The latest report no older than three periods (so one slow run does not blank it), else null. */
    public Reading latest() {
        return latest(3 * periodNanos + RUN_LIMIT_NANOS);
    }

    /** Why the last read failed, or null after a good one. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Reads once now, on the caller's thread; tests and the first read use it. */
    public void readOnce() throws InterruptedException {
        try {
            String out = run();
            latest = new Reading(ChronyTracking.parse(out), System.nanoTime());
            lastFailure = null;
        } catch (IOException | ChronyTracking.FormatException e) {
            latest = null;
            if (lastFailure == null) {
                LOG.log(System.Logger.Level.DEBUG, "chronyc: " + e.getMessage());
            }
            lastFailure = e.getMessage();
        }
    }

    private String run() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            // chronyc's answer (a few hundred bytes) fits the pipe, so waiting first cannot block it;
            // one that never ends is killed at the deadline.
            if (!p.waitFor(RUN_LIMIT_NANOS, TimeUnit.NANOSECONDS)) {
                throw new IOException("chronyc did not answer within " + RUN_LIMIT_NANOS / 1_000_000 + " ms");
            }
            byte[] buf = p.getInputStream().readNBytes(ChronyTracking.MAX_CHARS + 1);
            int n = buf.length;
            String text = new String(buf, 0, n, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("chronyc exited " + p.exitValue() + ": " + text.strip().lines().findFirst().orElse(""));
            }
            return text;
        } finally {
            p.destroyForcibly();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                readOnce();
                TimeUnit.NANOSECONDS.sleep(periodNanos);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "reading chronyc failed: " + e);
                latest = null;
                try {
                    TimeUnit.NANOSECONDS.sleep(periodNanos);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
