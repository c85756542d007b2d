package io.lockstep.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.protocol.Stats;
import io.lockstep.schedule.ScheduleRefusedException;
import io.lockstep.schedule.ScheduledJob;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench scheduler}: how late actions run after the instant they were scheduled
 * for, on this host's clock, for Lockstep's scheduler (park, then spin the last stretch, on its
 * tuned firing thread; and park only), a same-run control (a plain thread that parks then spins
 * the same stretch, untuned), a {@link ScheduledExecutorService}, {@link Thread#sleep} to the
 * instant, and the shell way: check the clock every 50 ms and fire once it has passed. The methods
 * run in interleaved rounds (each round runs each method once), so a change in the machine's load
 * falls on all of them alike; optional busy loops ({@code hogs}, separate processes at normal
 * priority) load the machine for the whole run. Every method gets instants spaced by a fixed
 * period plus a random fraction of it (so they do not line up with the kernel's timer ticks), and
 * each action's first step reads the clock, so lateness is measured alike for all. A warm-up of
 * each method is not counted. Prints a table and returns the figures; never passes or fails.
 * Stateless.
 */
public final class SchedulerBench {

    private static final TimeSource CLOCK = TimeSource.system();
    /**
     * Instants start this long after a method's run begins: time to submit them all. On a machine
     * so loaded that submitting takes longer, the run starts again with twice the lead.
     */
    private static final long LEAD_NANOS = 200_000_000L;
    private static final long MAX_LEAD_NANOS = 10_000_000_000L;

    private SchedulerBench() {
    }

    /**
     * What to run.
     *
     * @param firings      counted firings per method over all rounds (polling excepted), 100 to 1,000,000
     * @param spacingNanos mean time between instants, 1 ms to 1 s
     * @param pollFirings  counted firings of the 50 ms polling loop over all rounds (50–100 ms each), 0 to 100,000
     * @param warmup       uncounted firings before each method's first round
     * @param spinNanos    the stretch Lockstep's scheduler and the control spin before each instant, 1 µs to 10 ms
     * @param rounds       interleaved rounds, 3 to 1,000
     * @param hogs         busy CPU loops run beside the bench for its duration, 0 to 64
     */
    public record Options(int firings, long spacingNanos, int pollFirings, int warmup, long spinNanos, int rounds,
                          int hogs) {
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
            if (rounds < 3 || rounds > 1_000 || rounds > firings) {
                throw new IllegalArgumentException("--rounds must be between 3 and 1000, and at most --firings");
            }
            if (hogs < 0 || hogs > 64) {
                throw new IllegalArgumentException("--hogs must be between 0 and 64");
            }
        }

        /** Without hogs, in three rounds. */
        public Options(int firings, long spacingNanos, int pollFirings, int warmup, long spinNanos) {
            this(firings, spacingNanos, pollFirings, warmup, spinNanos, 3, 0);
        }

        /**
         * 3,000 firings 2–4 ms apart in 3 rounds, 30 polling firings, 200 warm-up firings, the
         * scheduler's default spin, no hogs: about a minute.
         */
        public static Options defaults() {
            return new Options(3_000, 2_000_000L, 30, 200, SchedulerOptions.DEFAULT_SPIN_NANOS, 3, 0);
        }

        public Options withRounds(int n) {
            return new Options(firings, spacingNanos, pollFirings, warmup, spinNanos, n, hogs);
        }

        public Options withHogs(int n) {
            return new Options(firings, spacingNanos, pollFirings, warmup, spinNanos, rounds, n);
        }
    }

    /**
     * One method's lateness over all rounds.
     *
     * @param name         the method's stable name in JSON: lockstep, control, lockstep_park_only,
     *                     scheduled_executor, thread_sleep, poll_50ms
     * @param label        its row in the table
     * @param firings      counted firings
     * @param p99NanosByRound the p99 of each round, in round order
     */
    public record Method(String name, String label, int firings, long p50Nanos, long p99Nanos, long maxNanos,
                         long minNanos, double cpuNanosPerFiring, List<Long> p99NanosByRound) {
    }

    /**
     * What a run measured.
     *
     * @param mode            the Lockstep scheduler's firing-thread mode, one line
     * @param loadBefore      the one-minute load average before the run (NaN where unknown)
     * @param loadAfter       the one-minute load average after it, with the hogs still running
     */
    public record Result(String mode, double loadBefore, double loadAfter, int hogs, List<Method> methods) {
    }

    /** One way of running an action at a wall-clock instant. */
    private interface Way {
        /** Fires at each of {@code instants} (ascending wall ns) and returns each firing's lateness. */
        long[] run(long[] instants) throws Exception;
    }

    /** A method being measured: its rounds' lateness, gathered. */
    private static final class Runner {
        final String name;
        final String label;
        final Way way;
        final int firingsPerRound;
        final long spacingNanos;
        final List<long[]> rounds = new ArrayList<>();
        long cpuNanos;
        boolean cpuKnown = true;

        Runner(String name, String label, Way way, int firingsPerRound, long spacingNanos) {
            this.name = name;
            this.label = label;
            this.way = way;
            this.firingsPerRound = firingsPerRound;
            this.spacingNanos = spacingNanos;
        }
    }

    /**
     * Runs the benchmark and prints its table.
     *
     * @return what it measured
     */
    public static Result run(PrintStream out, Options o) throws Exception {
        SchedulerOptions tuned = SchedulerOptions.defaults().withSpinNanos(o.spinNanos());
        String mode;
        try (Scheduler probe = Scheduler.forLocal(CLOCK, tuned)) {
            mode = probe.mode();
        }
        double loadBefore = HostStats.loadOneMinute();
        out.println(mode);
        out.printf(Locale.ROOT, "Scheduler lateness on this host's clock: %d firings per method in %d interleaved rounds,"
                        + " %.1f–%.1f ms apart; 50 ms polling: %d firings. %d busy loop%s beside it. Machine load"
                        + " (1/5/15 min) before: %s, %d CPUs.%n",
                o.firings(), o.rounds(), o.spacingNanos() / 1e6, o.spacingNanos() * 2 / 1e6, o.pollFirings(), o.hogs(),
                o.hogs() == 1 ? "" : "s", HostStats.loadAverages("unknown"), Runtime.getRuntime().availableProcessors());
        out.flush();
        String spin = (o.spinNanos() % 1_000 == 0 ? o.spinNanos() / 1_000 + " us" : o.spinNanos() + " ns");
        int perRound = o.firings() / o.rounds();
        List<Runner> runners = new ArrayList<>();
        runners.add(new Runner("lockstep", "Lockstep scheduler (park, spin last " + spin + ")", instants -> lockstep(instants, tuned),
                perRound, o.spacingNanos()));
        runners.add(new Runner("control", "control: plain thread, park then spin " + spin + ", untuned",
                instants -> control(instants, o.spinNanos()), perRound, o.spacingNanos()));
        runners.add(new Runner("lockstep_park_only", "Lockstep scheduler, park only (no spin)",
                instants -> lockstep(instants, tuned.withSpinNanos(0)), perRound, o.spacingNanos()));
        runners.add(new Runner("scheduled_executor", "ScheduledExecutorService", SchedulerBench::executor, perRound,
                o.spacingNanos()));
        runners.add(new Runner("thread_sleep", "Thread.sleep to the instant", SchedulerBench::sleeping, perRound,
                o.spacingNanos()));
        Runner poll = null;
        if (o.pollFirings() > 0) {
            poll = new Runner("poll_50ms", "poll the clock every 50 ms (the bash loop)", SchedulerBench::polling,
                    o.pollFirings(), 50_000_000L);
            runners.add(poll);
        }
        SplittableRandom random = new SplittableRandom(9);
        double loadAfter;
        try (Hogs hogs = Hogs.start(o.hogs())) {
            for (Runner r : runners) {
                int warm = r == poll ? Math.min(o.warmup(), 3) : o.warmup();
                if (warm > 0) {
                    runOnce(r, warm, random);
                }
            }
            for (int round = 0; round < o.rounds(); round++) {
                for (Runner r : runners) {
                    // The polling loop's firings are shared out over the rounds; the last takes the rest.
                    int n = r == poll ? share(o.pollFirings(), o.rounds(), round)
                            : round == o.rounds() - 1 ? o.firings() - perRound * (o.rounds() - 1) : perRound;
                    if (n == 0) {
                        continue;
                    }
                    long cpuBefore = processCpuNanos();
                    r.rounds.add(runOnce(r, n, random));
                    long cpuAfter = processCpuNanos();
                    r.cpuKnown &= cpuBefore >= 0 && cpuAfter >= 0;
                    r.cpuNanos += cpuAfter - cpuBefore;
                }
            }
            loadAfter = HostStats.loadOneMinute();
        }
        List<Method> methods = new ArrayList<>();
        Table table = new Table("method", "firings", "p50", "p99", "max", "min", "p99 by round", "CPU per firing");
        for (Runner r : runners) {
            Method m = summarise(r);
            methods.add(m);
            StringBuilder byRound = new StringBuilder();
            for (long p : m.p99NanosByRound()) {
                byRound.append(byRound.length() == 0 ? "" : " / ").append(us(p).replace(" us", "").replace(" ms", "ms"));
            }
            table.row(m.label(), m.firings(), us(m.p50Nanos()), us(m.p99Nanos()), us(m.maxNanos()), us(m.minNanos()),
                    byRound, Double.isNaN(m.cpuNanosPerFiring()) ? "n/a" : us(m.cpuNanosPerFiring()));
        }
        table.print(out);
        out.printf(Locale.ROOT, "Machine load after%s: %s. Lateness = clock read first thing in the"
                + " action − the instant. p99 by round in us. CPU per firing: this process's CPU time over the runs /"
                + " firings (the spin's price%s).%n", o.hogs() > 0 ? " (the busy loops still running)" : "",
                HostStats.loadAverages("unknown"), o.hogs() > 0 ? "; the busy loops are other processes" : "");
        out.flush();
        return new Result(mode, loadBefore, loadAfter, o.hogs(), List.copyOf(methods));
    }

    /** Runs {@code n} firings of {@code r}, with a longer lead while submitting them outlasts it. */
    private static long[] runOnce(Runner r, int n, SplittableRandom random) throws Exception {
        for (long lead = LEAD_NANOS; ; lead *= 2) {
            try {
                return r.way.run(instants(n, r.spacingNanos, random, lead));
            } catch (LateStart e) {
                if (lead >= MAX_LEAD_NANOS) {
                    throw new IllegalStateException("the bench's own instants were refused even "
                            + lead / 1_000_000 + " ms ahead: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The first instant had passed before all were submitted (a very busy machine). */
    private static final class LateStart extends Exception {
        LateStart(String message) {
            super(message, null, false, false);
        }
    }

    /** Firings of round {@code round} when {@code total} are shared out over {@code rounds}. */
    private static int share(int total, int rounds, int round) {
        return total / rounds + (round < total % rounds ? 1 : 0);
    }

    private static Method summarise(Runner r) {
        int n = 0;
        for (long[] late : r.rounds) {
            n += late.length;
        }
        long[] all = new long[n];
        List<Long> p99ByRound = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < r.rounds.size(); i++) {
            long[] late = r.rounds.get(i).clone();
            System.arraycopy(late, 0, all, at, late.length);
            at += late.length;
            Arrays.sort(late);
            p99ByRound.add(Math.round(Stats.percentile(late, late.length, 0.99)));
        }
        Arrays.sort(all);
        return new Method(r.name, r.label, n, Math.round(Stats.percentile(all, n, 0.5)),
                Math.round(Stats.percentile(all, n, 0.99)), all[n - 1], all[0],
                r.cpuKnown ? r.cpuNanos / (double) n : Double.NaN, List.copyOf(p99ByRound));
    }

    /**
     * Ascending instants starting shortly from now (time to submit them all), {@code spacing}
     * plus a random fraction of it apart (a whole spacing of randomness, so a poll every
     * {@code spacing} meets the instants at every phase).
     */
    private static long[] instants(int n, long spacingNanos, SplittableRandom random, long leadNanos) {
        long[] t = new long[n];
        long at = CLOCK.wallNanos() + leadNanos;
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
                    throw new LateStart(e.getMessage());
                }
            }
            last.await(Long.MAX_VALUE);
        }
        return late;
    }

    /**
     * The control: what anyone would write without Lockstep's tuning, a fresh ordinary thread
     * that parks until {@code spinNanos} before each instant (re-checking, as parks may end early)
     * and spins the rest.
     */
    private static long[] control(long[] instants, long spinNanos) throws Exception {
        long[] late = new long[instants.length];
        Thread t = new Thread(() -> {
            for (int i = 0; i < instants.length; i++) {
                long target = instants[i];
                long left;
                while ((left = target - CLOCK.wallNanos()) > spinNanos) {
                    LockSupport.parkNanos(Math.min(left - spinNanos, SchedulerOptions.DEFAULT_RECHECK_NANOS));
                }
                long now;
                while ((now = CLOCK.wallNanos()) < target) {
                    Thread.onSpinWait();
                }
                late[i] = now - target;
            }
        }, "bench-control");
        t.setDaemon(true);
        t.start();
        t.join();
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
