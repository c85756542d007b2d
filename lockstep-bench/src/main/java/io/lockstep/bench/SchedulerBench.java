package io.lockstep.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lockstep.estimate.Stats;
import io.lockstep.schedule.ScheduleRefusedException;
import io.lockstep.schedule.ScheduledJob;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench scheduler}: how late actions run after the instant they were scheduled
 * for, on this host's clock, for Lockstep's scheduler (park, then spin the last stretch; and park
 * only), a {@link ScheduledExecutorService}, {@link Thread#sleep} to the instant, and the shell
 * way: check the clock every 50 ms and fire once it has passed. Every method gets the same
 * instants (spaced by a fixed period plus a random fraction of it, so they do not line up with
 * the kernel's timer ticks), and each action's first step reads the clock, so lateness is
 * measured alike for all. A warm-up of each method is not counted. Prints a table; never passes
 * or fails. Stateless.
 */
public final class SchedulerBench {

    private static final TimeSource CLOCK = TimeSource.system();

    private SchedulerBench() {
    }

    /**
     * What to run.
     *
     * @param firings      counted firings per method (polling excepted), 100 to 1,000,000
     * @param spacingNanos mean time between instants, 1 ms to 1 s
     * @param pollFirings  counted firings of the 50 ms polling loop (slow: 50–100 ms each), 0 to 100,000
     * @param warmup       uncounted firings before each method's run
     * @param spinNanos    the stretch Lockstep's scheduler spins before each instant, 1 µs to 10 ms
     */
    public record Options(int firings, long spacingNanos, int pollFirings, int warmup, long spinNanos) {
        public Options {
            if (firings < 100 || firings > 1_000_000) {
                throw new IllegalArgumentException("--firings must be between 100 and 1000000");
            }
            if (spacingNanos < 1_000_000L || spacingNanos > 1_000_000_000L) {
                throw new IllegalArgumentException("--spacing must be between 1ms and 1s");
            }
            if (pollFirings < 0 || pollFirings > 100_000) {
                throw new IllegalArgumentException("--poll-firings must be between 0 and 100000");
            }
            if (warmup < 0 || warmup > 1_000_000) {
                throw new IllegalArgumentException("warm-up firings must be between 0 and 1000000");
            }
            if (spinNanos < 1_000L || spinNanos > 10_000_000L) {
                throw new IllegalArgumentException("--spin must be between 1us and 10ms");
            }
        }

        /** 10,000 firings 2–4 ms apart, 300 polling firings, 1,000 warm-up firings, the scheduler's default spin. */
        public static Options defaults() {
            return new Options(10_000, 2_000_000L, 300, 1_000, SchedulerOptions.DEFAULT_SPIN_NANOS);
        }
    }

    /** One way of running an action at a wall-clock instant. */
    private interface Method {
        /** Fires at each of {@code instants} (ascending wall ns) and returns each firing's lateness. */
        long[] run(long[] instants) throws Exception;
    }

    /**
     * Runs the benchmark.
     *
     * @return 0
     */
    public static int run(PrintStream out, Options o) throws Exception {
        out.printf(Locale.ROOT, "Scheduler lateness on this host's clock: %d firings per method, %.1f–%.1f ms apart; "
                        + "50 ms polling: %d firings. Machine load (1/5/15 min) before: %s, %d CPUs.%n",
                o.firings(), o.spacingNanos() / 1e6, o.spacingNanos() * 2 / 1e6, o.pollFirings(), MachineLoad.text(),
                Runtime.getRuntime().availableProcessors());
        Table table = new Table("method", "firings", "p50", "p99", "max", "min", "CPU per firing");
        SplittableRandom random = new SplittableRandom(9);
        measure(table, "Lockstep scheduler (park, spin last " + us(o.spinNanos()).replace(".0 us", " us") + ")",
                o.firings(), o, random, instants -> lockstep(instants, SchedulerOptions.defaults().withSpinNanos(o.spinNanos())));
        measure(table, "Lockstep scheduler, park only (no spin)", o.firings(), o, random,
                instants -> lockstep(instants, SchedulerOptions.defaults().withSpinNanos(0)));
        measure(table, "ScheduledExecutorService", o.firings(), o, random, SchedulerBench::executor);
        measure(table, "Thread.sleep to the instant", o.firings(), o, random, SchedulerBench::sleeping);
        if (o.pollFirings() > 0) {
            measure(table, "poll the clock every 50 ms (the bash loop)", o.pollFirings(),
                    new Options(o.firings(), 50_000_000L, o.pollFirings(), Math.min(o.warmup(), 5), o.spinNanos()), random,
                    SchedulerBench::polling);
        }
        table.print(out);
        out.printf(Locale.ROOT, "Machine load after: %s. Lateness = clock read first thing in the action − the instant. "
                + "CPU per firing: this process's CPU time over the run / firings (the spin's price).%n",
                MachineLoad.text());
        out.flush();
        return 0;
    }

    private static void measure(Table table, String name, int firings, Options o, SplittableRandom random, Method method)
            throws Exception {
        if (o.warmup() > 0) {
            method.run(instants(o.warmup(), o.spacingNanos(), random));
        }
        long[] instants = instants(firings, o.spacingNanos(), random);
        long cpuBefore = processCpuNanos();
        long[] late = method.run(instants);
        long cpuNanos = processCpuNanos() - cpuBefore;
        Arrays.sort(late);
        table.row(name, late.length, us(Stats.percentile(late, late.length, 0.5)),
                us(Stats.percentile(late, late.length, 0.99)), us(late[late.length - 1]), us(late[0]),
                cpuNanos < 0 ? "n/a" : us(cpuNanos / (double) late.length));
    }

    /**
     * Ascending instants starting a second from now (time to submit them all), {@code spacing}
     * plus a random fraction of it apart (a whole spacing of randomness, so a poll every
     * {@code spacing} meets the instants at every phase).
     */
    private static long[] instants(int n, long spacingNanos, SplittableRandom random) {
        long[] t = new long[n];
        long at = CLOCK.wallNanos() + 1_000_000_000L;
        for (int i = 0; i < n; i++) {
            at += spacingNanos + random.nextLong(spacingNanos);
            t[i] = at;
        }
        return t;
    }

    private static long[] lockstep(long[] instants, SchedulerOptions options) throws Exception {
        long[] late = new long[instants.length];
        int[] next = {0};
        try (Scheduler scheduler = Scheduler.forLocal(CLOCK, options)) {
            ScheduledJob last = null;
            for (long instant : instants) {
                try {
                    last = scheduler.at(instant, r -> late[next[0]++] = CLOCK.wallNanos() - r);
                } catch (ScheduleRefusedException e) {
                    throw new IllegalStateException("the bench's own instant was refused: " + e.getMessage(), e);
                }
            }
            last.await(Long.MAX_VALUE);
        }
        return late;
    }

    private static long[] executor(long[] instants) throws Exception {
        long[] late = new long[instants.length];
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            java.util.concurrent.ScheduledFuture<?> last = null;
            for (int i = 0; i < instants.length; i++) {
                int k = i;
                long instant = instants[i];
                // Its delays count from each call on System.nanoTime(), the clock the system
                // source's wall time advances with; so each delay is taken at its own call.
                last = executor.schedule(() -> late[k] = CLOCK.wallNanos() - instant, instant - CLOCK.wallNanos(),
                        TimeUnit.NANOSECONDS);
            }
            last.get();
        } finally {
            executor.shutdownNow();
        }
        return late;
    }

    private static long[] sleeping(long[] instants) throws InterruptedException {
        long[] late = new long[instants.length];
        for (int i = 0; i < instants.length; i++) {
            long left = instants[i] - CLOCK.wallNanos();
            if (left > 0) {
                Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
            }
            late[i] = CLOCK.wallNanos() - instants[i];
        }
        return late;
    }

    /** Like {@code while [ $(date +%s%N) -lt $T ]; do sleep 0.05; done}, without the cost of starting date. */
    private static long[] polling(long[] instants) throws InterruptedException {
        long[] late = new long[instants.length];
        for (int i = 0; i < instants.length; i++) {
            while (CLOCK.wallNanos() < instants[i]) {
                Thread.sleep(50);
            }
            late[i] = CLOCK.wallNanos() - instants[i];
        }
        return late;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String us(double nanos) {
        if (Math.abs(nanos) >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
