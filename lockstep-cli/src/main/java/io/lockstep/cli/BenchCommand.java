package io.lockstep.cli;

import io.lockstep.net.NtpServer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.lockstep.bench.EchoBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep bench NAME}: runs a benchmark and prints its table. Benchmarks report numbers;
 * they never pass or fail on time. The work lives in {@code lockstep-bench}; each subcommand only
 * parses its options. Not thread-safe: one instance per invocation.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its table.",
        subcommands = {BenchCommand.Echo.class, BenchCommand.NtpServer.class, BenchCommand.Tracking.class,
                BenchCommand.Track.class, BenchCommand.Correct.class})
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
            description = "Time Echo on loopback against a simulated offset: error of mean, median and Lockstep's estimate.")
    static final class Echo implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--exchanges", defaultValue = "1000", paramLabel = "N",
                description = "Exchanges in all, in bursts of 100 (default ${DEFAULT-VALUE}).")
        int exchanges;

        @Option(names = "--offset", defaultValue = "137.5ms", paramLabel = "DURATION",
                converter = Cli.DurationConverter.class,
                description = "Simulated device offset (default ${DEFAULT-VALUE}).")
        long offsetNanos;

        @Option(names = "--drift", defaultValue = "20", paramLabel = "PPM",
                description = "Simulated device drift in ppm (default ${DEFAULT-VALUE}).")
        double driftPpm;

        @Override
        public Integer call() throws Exception {
            if (exchanges < 2 || exchanges > 10_000_000) {
                throw Cli.usage(spec.commandLine(), "--exchanges must be between 2 and 10000000");
            }
            PrintStream out = stdout(spec);
            int code = EchoBench.run(out, exchanges, offsetNanos, driftPpm);
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench tracking}: the tracking scenarios in virtual time, every estimator on one stream. */
    @Command(name = "tracking", mixinStandardHelpOptions = true,
            description = "Tracking scenarios (LAN, busy Wi-Fi, asymmetric route, Pi RTC, phone, step, outage) in virtual"
                    + " time: Pupil Labs mean/median, LSL min-RTT and Lockstep on identical sample streams.")
    static final class Tracking implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Simulation seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--only", paramLabel = "TEXT", description = "Run only scenarios whose name contains TEXT.")
        String only;

        @Override
        public Integer call() {
            if (only != null && io.lockstep.testkit.Scenarios.tracking(seed).stream()
                    .noneMatch(s -> s.name().toLowerCase(java.util.Locale.ROOT).contains(only.toLowerCase(java.util.Locale.ROOT)))) {
                throw Cli.usage(spec.commandLine(), "no scenario name contains '" + only + "'");
            }
            PrintStream out = stdout(spec);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--seed", Long.toString(seed)));
            if (only != null) {
                args.add("--only");
                args.add(only);
            }
            int code = io.lockstep.bench.TrackingBench.run(out, args.toArray(String[]::new));
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
        long rows;

        @Option(names = "--scenario", defaultValue = "0", paramLabel = "I", description = "Tracking scenario index (default ${DEFAULT-VALUE}).")
        int scenario;

        @Override
        public Integer call() throws Exception {
            if (rows < 1 || rows > 1_000_000_000L) {
                throw Cli.usage(spec.commandLine(), "--rows must be between 1 and 1000000000");
            }
            int scenarios = io.lockstep.testkit.Scenarios.tracking(1).size();
            if (scenario < 0 || scenario >= scenarios) {
                throw Cli.usage(spec.commandLine(), "--scenario must be between 0 and " + (scenarios - 1)
                        + " (the order of `lockstep bench tracking`)");
            }
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.CorrectBench.run(out, "--rows", Long.toString(rows), "--scenario", Integer.toString(scenario));
            out.flush();
            return code;
        }
    }

    /** {@code lockstep bench ntp-server}: our NTP server and chronyd under the same load generator. */
    @Command(name = "ntp-server", mixinStandardHelpOptions = true,
            description = {"Load-test Lockstep's NTP server and a chronyd server (-x, private files) on loopback with the"
                    + " same generator: replies/s, loss, latency p50/p99, ratio to chronyd.",
                    "--accuracy adds a chronyd client following each server (needs chronyd)."})
    static final class NtpServer implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Load time per round and server, at least 100ms (default 8s).")
        Long durationNanos;

        @Option(names = "--rounds", paramLabel = "N", description = "Alternating rounds per server, 1-20 (default 3).")
        Integer rounds;

        @Option(names = "--window", paramLabel = "N", description = "Requests in flight, 1-4096 (default 64).")
        Integer window;

        @Option(names = "--threads", paramLabel = "N", description = "Receiving threads of our server, 1-16 (default 1).")
        Integer threads;

        @Option(names = "--busy-poll", description = "Run our server with a busy-polling receive thread.")
        boolean busyPoll;

        @Option(names = "--timestamps", paramLabel = "auto|kernel|user",
                description = "Our server's receive timestamps: kernel, user space, or auto (default: kernel where available).")
        String timestamps;

        @Option(names = "--accuracy", description = "Also measure accuracy as seen by a chronyd client.")
        boolean accuracy;

        @Option(names = "--accuracy-duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "How long each chronyd client follows, at least 10s (default 60s).")
        Long accuracyNanos;

        @Override
        public Integer call() {
            // Checked here so that bad input is a one-line usage error like everywhere else; the
            // bench re-checks for callers that use its String-argument entry point directly.
            CommandLine cl = spec.commandLine();
            if (durationNanos != null && durationNanos < 100_000_000L) {
                throw Cli.usage(cl, "--duration must be at least 100ms");
            }
            if (accuracyNanos != null && accuracyNanos < 10_000_000_000L) {
                throw Cli.usage(cl, "--accuracy-duration must be at least 10s");
            }
            checkRange(cl, "--rounds", rounds, 1, 20);
            checkRange(cl, "--window", window, 1, 4096);
            checkRange(cl, "--threads", threads, 1, 16);
            java.util.List<String> args = new java.util.ArrayList<>();
            add(args, "--duration", durationNanos == null ? null : io.lockstep.time.Durations.formatCompact(durationNanos));
            add(args, "--rounds", rounds);
            add(args, "--window", window);
            add(args, "--threads", threads);
            if (busyPoll) {
                args.add("--busy-poll");
            }
            if (timestamps != null && !java.util.Set.of("auto", "kernel", "user").contains(timestamps)) {
                throw Cli.usage(cl, "--timestamps must be auto, kernel or user, not '" + timestamps + "'");
            }
            add(args, "--timestamps", timestamps);
            if (accuracy) {
                args.add("--accuracy");
            }
            add(args, "--accuracy-duration",
                    accuracyNanos == null ? null : io.lockstep.time.Durations.formatCompact(accuracyNanos));
            PrintStream out = stdout(spec);
            int code = io.lockstep.bench.NtpServerBench.run(out, args.toArray(String[]::new));
            out.flush();
            return code;
        }

        private static void checkRange(CommandLine cl, String name, Integer value, int min, int max) {
            if (value != null && (value < min || value > max)) {
                throw Cli.usage(cl, name + " " + value + " is out of range " + min + "-" + max);
            }
        }

        private static void add(java.util.List<String> args, String name, Object value) {
            if (value != null) {
                args.add(name);
                args.add(value.toString());
            }
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
}
