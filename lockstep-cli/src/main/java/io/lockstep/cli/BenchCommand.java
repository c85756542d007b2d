package io.lockstep.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.lockstep.bench.EchoBench;
import io.lockstep.net.NtpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code lockstep bench NAME}: runs a benchmark and prints its table. Benchmarks report numbers;
 * they never pass or fail on time. The work lives in {@code lockstep-bench}; each subcommand only
 * parses its options. Not thread-safe: one instance per invocation.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its table.",
        subcommands = {BenchCommand.Echo.class, BenchCommand.NtpServer.class, BenchCommand.Tracking.class,
                BenchCommand.Track.class, BenchCommand.Correct.class, BenchCommand.Attack.class,
                BenchCommand.SchedulerLateness.class,
                BenchCommand.Neon.class,
                BenchCommand.FleetFire.class, BenchCommand.Calibration.class, BenchFleetCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a benchmark: " + String.join(", ", spec.subcommands().keySet()));
    }

    static PrintStream stdout(CommandLine.Model.CommandSpec spec) {
        // Benchmarks print through a PrintStream; bridge to picocli's writer so tests capture it.
        // Bytes are decoded only on flush, so a UTF-8 character split across writes stays whole.
        java.io.PrintWriter w = spec.commandLine().getOut();
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        return new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                pending.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                pending.write(b, off, len);
            }

            @Override
            public void flush() {
                w.write(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
                w.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }


    /** {@code lockstep bench echo}: Time Echo estimate errors against a known truth on loopback. */
    @Command(name = "echo", mixinStandardHelpOptions = true,
            description = "Time Echo on loopback against a simulated device (sub-ms offset drawn per burst), back to back"
                    + " and spaced: error distribution of the Pupil Labs mean and median and of Lockstep's estimate.")
    static final class Echo implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--exchanges", defaultValue = "2000", paramLabel = "N",
                description = "Exchanges per schedule in all, in bursts of 100 (default ${DEFAULT-VALUE}).")
        int exchanges;

        @Option(names = "--offset", defaultValue = "137.5ms", paramLabel = "DURATION",
                converter = Cli.DurationConverter.class,
                description = "Simulated device offset; its sub-millisecond part is drawn per burst unless"
                        + " --fixed-offset (default ${DEFAULT-VALUE}).")
        long offsetNanos;

        @Option(names = "--fixed-offset", description = "Use --offset exactly for every burst.")
        boolean fixedOffset;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
                description = "Seed of the sub-millisecond draws (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--drift", defaultValue = "20", paramLabel = "PPM",
                description = "Simulated device drift in ppm (default ${DEFAULT-VALUE}).")
        double driftPpm;

        @Override
        public Integer call() throws Exception {
            EchoBench.Options o;
            try {
                o = new EchoBench.Options(exchanges, offsetNanos, driftPpm, fixedOffset, seed);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = EchoBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench neon}: Time Echo against the event method on the fake Companion app through impair. */
    @Command(name = "neon", mixinStandardHelpOptions = true,
            description = "Time Echo against the event method on the fake Companion app, both through a TCP impair proxy:"
                    + " errors against the truth, bounds and how often they held; says which method to trust.")
    static final class Neon implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--bursts", defaultValue = "200", paramLabel = "N",
                description = "Bursts per method (default ${DEFAULT-VALUE}).")
        int bursts;

        @Option(names = "--samples", defaultValue = "20", paramLabel = "N",
                description = "Exchanges or events per burst (default ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--delay", defaultValue = "2ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "One-way delay of the link (default ${DEFAULT-VALUE}).")
        long delayNanos;

        @Option(names = "--jitter", defaultValue = "1ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Mean queueing jitter per direction, heavy-tailed (default ${DEFAULT-VALUE}).")
        long jitterNanos;

        @Option(names = "--loss", defaultValue = "0.5", paramLabel = "PERCENT",
                description = "Loss per direction; a lost TCP chunk waits a retransmission (default ${DEFAULT-VALUE}).")
        double lossPercent;

        @Option(names = "--offset", defaultValue = "-137ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "How far the phone's clock reads ahead of this host, as serve --simulate-offset (the measured offset,"
                        + " local − phone, is about minus this); its sub-ms part is drawn per burst (default ${DEFAULT-VALUE}).")
        long offsetNanos;

        @Option(names = "--drift", defaultValue = "20", paramLabel = "PPM", description = "The phone's drift (default ${DEFAULT-VALUE}).")
        double driftPpm;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            io.lockstep.bench.NeonBench.Options o;
            try {
                if (!(lossPercent >= 0 && lossPercent < 100)) {
                    throw new IllegalArgumentException("--loss must be a percentage in [0, 100)");
                }
                if (delayNanos < 0 || jitterNanos < 0) {
                    throw new IllegalArgumentException("--delay and --jitter must not be negative");
                }
                String label = String.format(java.util.Locale.ROOT, "delay %s, jitter %s, loss %s %%",
                        io.lockstep.time.Durations.formatCompact(delayNanos),
                        io.lockstep.time.Durations.formatCompact(jitterNanos), lossPercent);
                o = new io.lockstep.bench.NeonBench.Options(bursts, samples,
                        io.lockstep.sim.LinkModel.of(delayNanos, jitterNanos, lossPercent / 100.0, 0), label,
                        offsetNanos, driftPpm, seed);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.NeonBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench tracking}: the tracking scenarios in virtual time, every estimator on one stream. */
    @Command(name = "tracking", mixinStandardHelpOptions = true,
            description = "Tracking scenarios (LAN, busy Wi-Fi, asymmetric route, Pi RTC, phone, step, outage) in virtual"
                    + " time: Pupil Labs client (once, and every 60 s), liblsl's defaults and Lockstep, each on its own"
                    + " schedule over the same simulated clocks and link.")
    static final class Tracking implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Simulation seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--only", paramLabel = "TEXT", description = "Run only scenarios whose name contains TEXT.")
        String only;

        @Override
        public Integer call() {
            io.lockstep.bench.TrackingBench.Options o;
            try {
                o = new io.lockstep.bench.TrackingBench.Options(seed, only);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.TrackingBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench calibration}: coverage of the stated bound on fresh trackers, every scenario. */
    @Command(name = "calibration", mixinStandardHelpOptions = true,
            description = "Fresh trackers on every simulated scenario (wired LAN, busy Wi-Fi, asymmetric route, drift ramp,"
                    + " drift sign flip, 1 s step, 10 min gap) for many seeds, in virtual time: how often the truth lies"
                    + " within the stated bound, by scenario and by age since SYNCED, and every miss.")
    static final class Calibration implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--seeds", defaultValue = "200", paramLabel = "N",
                description = "Seeds per scenario, 1-100000 (default ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--json", description = "Also print one JSON object as the last line.")
        boolean json;

        @Override
        public Integer call() {
            io.lockstep.bench.CalibrationBench.Options o;
            try {
                o = new io.lockstep.bench.CalibrationBench.Options(seeds, json);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.CalibrationBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench correct}: post-hoc correction throughput and accuracy on synthetic Neon rows. */
    @Command(name = "correct", mixinStandardHelpOptions = true,
            description = "Throughput (rows/s) and error of `lockstep correct` on synthetic Neon-like recordings with known truth.")
    static final class Correct implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--rows", defaultValue = "2000000", paramLabel = "N", description = "Rows to correct (default ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--scenario", defaultValue = "0", paramLabel = "I", description = "Tracking scenario index (default ${DEFAULT-VALUE}).")
        int scenario;

        @Override
        public Integer call() {
            io.lockstep.bench.CorrectBench.Options o;
            try {
                o = new io.lockstep.bench.CorrectBench.Options(rows, scenario);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.CorrectBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench ntp-server}: our NTP server and chronyd under the same load generator. */
    @Command(name = "ntp-server", mixinStandardHelpOptions = true,
            description = {"Load-test Lockstep's NTP server and a chronyd server (-x, private files) on loopback with the"
                    + " same generator: replies/s, loss, latency p50/p99, server and generator CPU, ratio to chronyd.",
                    "--accuracy adds a chronyd client following each server (needs chronyd)."})
    static final class NtpServer implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Load time per round and server, at least 100ms (default 8s).")
        Long durationNanos;

        @Option(names = "--rounds", paramLabel = "N", description = "Alternating rounds per server, 1-20 (default 3).")
        Integer rounds;

        @Option(names = "--window", paramLabel = "N",
                description = "Requests in flight per generator thread, 1-4096 (default 64).")
        Integer window;

        @Option(names = "--generator-threads", paramLabel = "N",
                description = "Load-generator threads, each its own client socket, 1-16 (default 1).")
        Integer generatorThreads;

        @Option(names = "--generator-blocks",
                description = "Generator threads wait for replies in the kernel instead of spinning (for a shared machine).")
        boolean generatorBlocks;

        @Option(names = "--threads", paramLabel = "N", description = "Receiving threads of our server, 1-16 (default 1).")
        Integer threads;

        @Option(names = "--busy-poll", description = "Run our server with a busy-polling receive thread.")
        boolean busyPoll;

        @Option(names = "--timestamps", paramLabel = "auto|kernel|user", defaultValue = "auto",
                converter = ServeCommand.TimestampsConverter.class,
                description = "Our server's receive timestamps: kernel, user space, or auto (default: kernel where available).")
        io.lockstep.net.ReceiveTimestamps timestamps;

        @Option(names = "--accuracy", description = "Also measure accuracy as seen by a chronyd client.")
        boolean accuracy;

        @Option(names = "--accuracy-duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "How long each chronyd client follows, at least 10s (default 60s).")
        Long accuracyNanos;

        @Override
        public Integer call() {
            io.lockstep.bench.NtpServerBench.Options d = io.lockstep.bench.NtpServerBench.Options.defaults();
            io.lockstep.bench.NtpServerBench.Options o;
            try {
                o = new io.lockstep.bench.NtpServerBench.Options(
                        durationNanos == null ? d.durationNanos() : durationNanos,
                        rounds == null ? d.rounds() : rounds,
                        window == null ? d.window() : window,
                        threads == null ? d.serverThreads() : threads,
                        generatorThreads == null ? d.generatorThreads() : generatorThreads,
                        generatorBlocks, busyPoll, timestamps, accuracy,
                        accuracyNanos == null ? d.accuracyNanos() : accuracyNanos);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.NtpServerBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench track}: live tracking over loopback against a known truth, bound coverage counted. */
    @Command(name = "track", mixinStandardHelpOptions = true,
            description = "Track a simulated device over real loopback sockets as `lockstep track` does; report errors"
                    + " against the truth and how often the truth left the stated bound.")
    static final class Track implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--protocol", defaultValue = "echo", paramLabel = "echo|ntp", description = "Default ${DEFAULT-VALUE}.")
        String protocol;

        @Option(names = "--interval", defaultValue = "200ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Time between samples (default ${DEFAULT-VALUE}).")
        long intervalNanos;

        @Option(names = "--samples", defaultValue = "40", paramLabel = "N", description = "Samples per run (default ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--runs", defaultValue = "16", paramLabel = "N", description = "Runs (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--offset", defaultValue = "200ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Simulated device offset (default ${DEFAULT-VALUE}).")
        long offsetNanos;

        @Option(names = "--drift", defaultValue = "20", paramLabel = "PPM", description = "Simulated drift (default ${DEFAULT-VALUE}).")
        double driftPpm;

        @Override
        public Integer call() throws Exception {
            io.lockstep.bench.LiveTrackBench.Options o;
            try {
                o = new io.lockstep.bench.LiveTrackBench.Options(protocol, intervalNanos, samples, runs, offsetNanos, driftPpm);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.LiveTrackBench.run(out, o);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench attack}: server memory (RSS, heap) and an honest client under floods, churn and idle connections. */
    @Command(name = "attack", mixinStandardHelpOptions = true,
            description = {"Start `lockstep serve` in its own JVM per flag set and attack it over loopback (NTP flood"
                    + " from many 127.x.y.z sources, Time Echo churn, idle Time Echo connections): RSS and heap before,"
                    + " peak and after, live heap after a full GC, and what an honest client saw.",
                    "With --target fleet: start `lockstep agent` (its small-device flags) and `fleet dashboard` in their"
                    + " own JVMs and attack them (early-closing requests, slow headers and bodies, TLS hellos, idle /events"
                    + " subscribers, signed periodic-trigger floods), and run `fleet status`, `fleet fire` and the"
                    + " dashboard against a hostile agent (huge, trickling, escape-laden, out-of-range answers): RSS,"
                    + " descriptors and threads before, peak and after, and an honest poll's success rate."})
    static final class Attack implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--target", paramLabel = "serve|fleet", defaultValue = "serve",
                description = "What to attack: `serve` (default), or `fleet`: the agent, the dashboard, and the monitor"
                        + " against a hostile agent.")
        String target;

        @Option(names = "--fleet-attacks", split = ",", paramLabel = "NAME",
                description = "With --target fleet: the attacks to run (default: all of agent-early-close,"
                        + " agent-slow-headers, agent-slow-body, agent-tls-hello, agent-trigger-flood,"
                        + " dashboard-early-close, dashboard-slow-headers, dashboard-events, hostile-huge,"
                        + " hostile-trickle, hostile-escapes, hostile-out-of-range).")
        java.util.List<String> fleetAttacks;

        @Option(names = "--quick", description = "With --target fleet: small, short attacks (a quick look; the sizes"
                + " of issue 16 otherwise: 3,000 early closes, 50 slow connections held 30 s, 60 triggers x 1,000, 200 MB"
                + " answers).")
        boolean quick;

        @Option(names = "--attacks", split = ",", paramLabel = "NAME", defaultValue = "ntp-flood,echo-churn,echo-idle",
                description = "Attacks to run (default ${DEFAULT-VALUE}).")
        java.util.List<String> attacks;

        @Option(names = "--jvm", paramLabel = "LABEL=FLAGS",
                description = "A JVM flag set for the server, repeatable (default: default= and small=\"" + io.lockstep.bench.AttackBench.SMALL_DEVICE_FLAGS + "\").")
        java.util.LinkedHashMap<String, String> jvms;

        @Option(names = "--ntp-sources", defaultValue = "100000", paramLabel = "N", description = "Distinct flood sources (default ${DEFAULT-VALUE}).")
        int ntpSources;

        @Option(names = "--ntp-requests-per-source", defaultValue = "4", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
        int ntpRequestsPerSource;

        @Option(names = "--churn-connections", defaultValue = "40000", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
        int churnConnections;

        @Option(names = "--churn-sources", defaultValue = "5000", paramLabel = "N", description = "Distinct churn sources (default ${DEFAULT-VALUE}).")
        int churnSources;

        @Option(names = "--idle-connections", defaultValue = "2000", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
        int idleConnections;

        @Option(names = "--idle-hold", defaultValue = "10s", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "How long idle connections are held (default ${DEFAULT-VALUE}).")
        long idleHoldNanos;

        @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "Attacking threads (default ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--settle", defaultValue = "4s", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Wait after the server starts (default ${DEFAULT-VALUE}).")
        long settleNanos;

        @Option(names = "--pause", defaultValue = "5s", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Wait after the attack before 'after' (default ${DEFAULT-VALUE}).")
        long pauseNanos;

        @Option(names = "--max-attack-time", defaultValue = "60s", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Stop any attack after this long (default ${DEFAULT-VALUE}).")
        long maxAttackNanos;

        @Option(names = "--no-histogram", description = "Skip the live-class histograms (jcmd).")
        boolean noHistogram;

        @Option(names = "--native-memory", description = "Run servers with -XX:NativeMemoryTracking=summary and print its categories.")
        boolean nativeMemory;

        @Override
        public Integer call() throws Exception {
            if (target.equals("fleet")) {
                io.lockstep.bench.FleetAttackBench.Options fo;
                try {
                    fo = new io.lockstep.bench.FleetAttackBench.Options(
                            fleetAttacks == null ? io.lockstep.bench.FleetAttackBench.ATTACKS
                                    : fleetAttacks.stream().map(String::strip).toList(),
                            quick ? io.lockstep.bench.FleetAttackBench.Sizes.quick()
                                    : io.lockstep.bench.FleetAttackBench.Sizes.full());
                } catch (IllegalArgumentException e) {
                    throw Cli.usage(spec.commandLine(), e.getMessage());
                }
                PrintStream out = stdout(spec);
                int code = io.lockstep.bench.FleetAttackBench.run(out,
                        io.lockstep.bench.ServerProcess.Launcher.sameAsThisJvm(Main.class.getName()), fo);
                out.flush();
                return code;
            }
            if (!target.equals("serve")) {
                throw Cli.usage(spec.commandLine(), "--target must be serve or fleet, not '" + target + "'");
            }
            io.lockstep.bench.AttackBench.Options o;
            try {
                java.util.List<io.lockstep.bench.AttackBench.Attack> list = new java.util.ArrayList<>();
                for (String a : attacks) {
                    list.add(io.lockstep.bench.AttackBench.Attack.of(a.strip()));
                }
                java.util.Map<String, java.util.List<String>> flagSets = io.lockstep.bench.AttackBench.Options.defaultJvms();
                if (jvms != null) {
                    flagSets = new java.util.LinkedHashMap<>();
                    for (java.util.Map.Entry<String, String> e : jvms.entrySet()) {
                        flagSets.put(e.getKey(), io.lockstep.bench.AttackBench.splitFlags(e.getValue()));
                    }
                }
                o = new io.lockstep.bench.AttackBench.Options(list, flagSets, ntpSources, ntpRequestsPerSource,
                        churnConnections, churnSources, idleConnections, idleHoldNanos, threads, settleNanos, pauseNanos,
                        maxAttackNanos, !noHistogram, nativeMemory);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.AttackBench.run(out,
                    io.lockstep.bench.ServerProcess.Launcher.sameAsThisJvm(Main.class.getName()), o);
            out.flush();
            return code;
        }
    }
    /** {@code lockstep bench scheduler}: lateness of Lockstep's scheduler against the JDK's timers and a 50 ms poll. */
    @Command(name = "scheduler", mixinStandardHelpOptions = true,
            description = "Lateness (p50, p99, max) of actions run at instants of this host's clock: Lockstep's scheduler"
                    + " (park then spin on its tuned firing thread, and park only), a same-run control (a plain thread"
                    + " that parks then spins, untuned), ScheduledExecutorService, Thread.sleep to the instant, and a"
                    + " loop checking the clock every 50 ms (the bash way), in interleaved rounds; first line: the"
                    + " scheduler's mode.")
    static final class SchedulerLateness implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--firings", defaultValue = "3000", paramLabel = "N",
                description = "Counted firings per method over all rounds (default ${DEFAULT-VALUE}).")
        int firings;

        @Option(names = "--spacing", defaultValue = "2ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Instants are this plus a random fraction of it apart (default ${DEFAULT-VALUE}).")
        long spacingNanos;

        @Option(names = "--poll-firings", defaultValue = "30", paramLabel = "N",
                description = "Counted firings of the 50 ms polling loop over all rounds, 50-100 ms each (default ${DEFAULT-VALUE}).")
        int pollFirings;

        @Option(names = "--warmup", defaultValue = "200", paramLabel = "N",
                description = "Uncounted firings before each method's first round (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--spin", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "How long before each instant Lockstep's scheduler stops parking and spins (default: the scheduler's, 500us).")
        Long spinNanos;

        @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
                description = "Interleaved rounds, each running every method once, 3-1000 (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--hogs", defaultValue = "0", paramLabel = "N",
                description = "Busy CPU loops (processes at normal priority) to run for the bench's duration, 0-64"
                        + " (default ${DEFAULT-VALUE}).")
        int hogs;

        @Option(names = "--json", description = "Also print, as the last line, {\"mode\", \"load\", \"methods\": [{\"name\","
                + " \"p50_ns\", \"p99_ns\", ...}]}; load is the one-minute load average at the end of the run.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            io.lockstep.bench.SchedulerBench.Options o;
            try {
                o = new io.lockstep.bench.SchedulerBench.Options(firings, spacingNanos, pollFirings, warmup,
                        spinNanos == null ? io.lockstep.schedule.SchedulerOptions.DEFAULT_SPIN_NANOS : spinNanos, rounds, hogs);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            io.lockstep.bench.SchedulerBench.Result r = io.lockstep.bench.SchedulerBench.run(out, o);
            if (json) {
                java.util.List<java.util.Map<String, Object>> methods = new java.util.ArrayList<>();
                for (io.lockstep.bench.SchedulerBench.Method m : r.methods()) {
                    java.util.Map<String, Object> j = new java.util.LinkedHashMap<>();
                    j.put("name", m.name());
                    j.put("p50_ns", m.p50Nanos());
                    j.put("p99_ns", m.p99Nanos());
                    j.put("max_ns", m.maxNanos());
                    j.put("firings", m.firings());
                    j.put("p99_ns_by_round", m.p99NanosByRound());
                    methods.add(j);
                }
                java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
                doc.put("mode", r.mode());
                doc.put("load", r.loadAfter());
                doc.put("methods", methods);
                out.println(JsonOutput.write(doc));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code lockstep bench fleet-fire}: a simulated fleet fired at reference instants, judged by this host's clock. */
    @Command(name = "fleet-fire", mixinStandardHelpOptions = true,
            description = {"N simulated devices (offsets up to ±2 s, drifts up to ±20 ppm, in this process) track one NTP"
                    + " server over loopback, directly and through a busy-Wi-Fi impairment proxy, and fire K times at"
                    + " reference instants: true spread, error against the instant, stated bounds and how often the"
                    + " truth lay within them, the first firing apart from the rest; beside them, after sync and under"
                    + " the same load: a control of N perfectly synced threads doing the same action, the bash loop, a"
                    + " careful bash loop, firing on receipt of a datagram, and ScheduledExecutorService on the"
                    + " unsynced clocks."})
    static final class FleetFire implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--agents", defaultValue = "20", paramLabel = "N", description = "Simulated devices, 1-200 (default ${DEFAULT-VALUE}).")
        int agents;

        @Option(names = "--firings", defaultValue = "20", paramLabel = "K", description = "Firings, 1-1000 (default ${DEFAULT-VALUE}).")
        int firings;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the simulated clocks and links (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Each device's tracking interval, 100ms-10s (default ${DEFAULT-VALUE}, as the agent).")
        long intervalNanos;

        @Option(names = "--spin", defaultValue = "50us", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "How long before each instant the agents' schedulers spin, 0-10ms (default ${DEFAULT-VALUE}:"
                        + " the agents share this machine's cores; an agent on its own device spins 500us).")
        long spinNanos;

        @Option(names = "--warm-up", defaultValue = "0", paramLabel = "N",
                description = "Warm-up firings per fleet before the counted ones, 0-1000, reported in rows of their own"
                        + " (default ${DEFAULT-VALUE}: the first firing of fresh agents is the one a user meets).")
        int warmUpFirings;

        @Option(names = "--no-baselines", description = "Skip the bash loop, datagram and unsynced baselines.")
        boolean noBaselines;

        @Override
        public Integer call() throws Exception {
            io.lockstep.bench.FleetFireBench.Options o;
            try {
                o = new io.lockstep.bench.FleetFireBench.Options(agents, firings, seed, intervalNanos, spinNanos,
                        warmUpFirings, !noBaselines);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(spec.commandLine(), e.getMessage());
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.FleetFireBench.run(out, o);
            out.flush();
            return code;
        }
    }
}
