package io.lockstep.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lockstep.sim.host.HostStats;

/**
 * One run of a short-lived command ({@code fleet status}, {@code fleet fire}) in its own JVM,
 * with its resident set, descriptors and threads sampled every 20 ms: their peaks, how long it
 * took, its exit code and its output (the first MiB of each stream). A run that outlives its
 * deadline is stopped (SIGTERM, then SIGKILL after 5 s) and says so. Linux only. Immutable
 * once returned.
 *
 * @param exitCode        the exit code, or -1 when it had to be stopped
 * @param tookNanos       from start to exit (or to the stop)
 * @param stopped         true when it outlived its deadline
 * @param ignoredSigterm  true when SIGTERM did not stop it within 5 s
 * @param rssPeakBytes    highest resident set sampled
 * @param descriptorsPeak highest count of open descriptors sampled
 * @param threadsPeak     highest thread count sampled
 */
public record CommandRun(int exitCode, long tookNanos, boolean stopped, boolean ignoredSigterm, long rssPeakBytes,
                         long descriptorsPeak, long threadsPeak, byte[] stdout, byte[] stderr) {

    private static final int KEEP_BYTES = 1 << 20;

    /** Runs {@code java JVM_OPTIONS -cp CLASSPATH MAIN ARGS}, stopping it after {@code deadlineNanos}. */
    public static CommandRun run(ServerProcess.Launcher launcher, List<String> jvmOptions, List<String> args,
                                 long deadlineNanos) throws IOException, InterruptedException {
        List<String> cmd = launcher.command(jvmOptions, args);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).start();
        Thread stopOnExit = new Thread(p::destroyForcibly, "lockstep-attack-command-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = drain(p.getInputStream(), out);
            Thread e = drain(p.getErrorStream(), err);
            long rss = -1;
            long fds = -1;
            long threads = -1;
            long end = start + deadlineNanos;
            while (p.isAlive() && System.nanoTime() - end < 0) {
                rss = Math.max(rss, HostStats.rssBytes(p.pid()));
                fds = Math.max(fds, HostStats.descriptors(p.pid()));
                threads = Math.max(threads, HostStats.threads(p.pid()));
                p.waitFor(20, TimeUnit.MILLISECONDS);
            }
            boolean stopped = p.isAlive();
            boolean ignoredSigterm = false;
            if (stopped) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    ignoredSigterm = true;
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            long took = System.nanoTime() - start;
            o.join(5_000);
            e.join(5_000);
            byte[] so;
            byte[] se;
            synchronized (out) {
                so = out.toByteArray();
            }
            synchronized (err) {
                se = err.toByteArray();
            }
            return new CommandRun(stopped ? -1 : p.exitValue(), took, stopped, ignoredSigterm, rss, fds, threads, so, se);
        } finally {
            p.destroyForcibly();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException exiting) {
                // The hook runs anyway.
            }
        }
    }

    /** The standard output as text. */
    public String out() {
        return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Raw ESC (0x1b) and BEL (0x07) bytes the command wrote to its terminal, both streams. */
    public int rawEscapes() {
        int n = 0;
        for (byte[] b : new byte[][]{stdout, stderr}) {
            for (byte x : b) {
                if (x == 0x1b || x == 0x07) {
                    n++;
                }
            }
        }
        return n;
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (into) {
                        if (into.size() < KEEP_BYTES) {
                            into.write(buf, 0, Math.min(n, KEEP_BYTES - into.size()));
                        }
                    }
                }
            } catch (IOException ignored) {
                // Process ended.
            }
        }, "lockstep-attack-command-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
