package io.lockstep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.fleet.trigger.FiringWarmup;
import io.lockstep.protocol.Target;
import io.lockstep.schedule.Firing;
import io.lockstep.schedule.ScheduleRefusedException;
import io.lockstep.schedule.ScheduledJob;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep at TIME [--reference TARGET] [--max-bound D] -- COMMAND...}: starts a program at
 * one instant of a reference clock (or of this host's clock), the one-device replacement for a
 * shell loop polling {@code date}. Parses, tracks the reference until its bound is small enough,
 * shows a countdown on stderr, and reports when the program started; the waiting and firing are
 * the {@link Scheduler}'s. Exit code: the program's, or 1/2 for Lockstep's own failures. Not
 * thread-safe; one instance per invocation.
 */
@Command(name = "at", mixinStandardHelpOptions = true,
        description = {"Starts COMMAND at one instant of the reference clock (or of this host's clock without "
                + "--reference) and reports when it started, in reference time ± the clock's error bound.",
                "TIME is an ISO-8601 instant (2026-11-30T12:00:10Z, or with an offset), +DURATION (that long after "
                        + "the clock is ready), or next:DURATION (the next multiple of DURATION of the reference "
                        + "clock at least 10 ms ahead, e.g. next:10s).",
                "Starting a process costs milliseconds (fork and exec): the report gives that start latency "
                        + "separately from the scheduler's own lateness, which is microseconds. Exit code: the "
                        + "command's; 1 when Lockstep refused or failed, 2 for bad input."})
final class AtCommand implements Callable<Integer> {

    /** next:D never picks an instant closer than this, so the scheduler has time to prepare. */
    static final long MIN_LEAD_NANOS = 10_000_000L;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TIME", description = "ISO-8601 instant, +DURATION or next:DURATION")
    String time;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*",
            description = "The program and its arguments (after --)")
    List<String> command;

    @Option(names = "--reference", paramLabel = "TARGET",
            description = "The reference clock: ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT] "
                    + "(default: this host's clock).")
    String reference;

    @Option(names = "--max-bound", paramLabel = "DURATION", defaultValue = "5ms", converter = Cli.DurationConverter.class,
            description = "Refuse unless the clock's error bound at the instant is at most this (default ${DEFAULT-VALUE}).")
    long maxBoundNanos;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Cli.DurationConverter.class,
            description = "Time between exchanges with the reference (default ${DEFAULT-VALUE}).")
    long intervalNanos;

    @Option(names = "--sync-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Cli.DurationConverter.class,
            description = "How long to track the reference for a small enough bound before refusing (default ${DEFAULT-VALUE}).")
    long syncTimeoutNanos;

    @Option(names = "--json", description = "Print one JSON object when the command has exited.")
    boolean json;

    TimeSource local = TimeSource.system();

    /** The program's start as the action saw it. */
    private record Started(Process process, long localNanos) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxBoundNanos <= 0) {
            throw new Cli.BadInput("--max-bound must be positive, e.g. 5ms");
        }
        if (syncTimeoutNanos <= 0) {
            throw new Cli.BadInput("--sync-timeout must be positive, e.g. 30s");
        }
        if (intervalNanos <= 0) {
            throw new Cli.BadInput("--interval must be positive, e.g. 1s");
        }
        When when = When.parse(time);
        requireProgram(command.get(0));
        Target target = reference == null ? null : Cli.target(reference);
        Tracker tracker = null;
        try {
            Scheduler scheduler;
            if (target != null) {
                TrackingOptions options = TrackingOptions.defaults().withIntervalNanos(intervalNanos).withLocal(local);
                try {
                    options.checkFor(target.protocol());
                } catch (IllegalArgumentException e) {
                    throw new Cli.BadInput("--interval: " + e.getMessage());
                }
                tracker = Tracker.open(target, options).start();
                awaitSynced(tracker, err);
                scheduler = Scheduler.forClock(tracker.clock());
            } else {
                scheduler = Scheduler.forLocal(local);
            }
            try (scheduler) {
                return fire(scheduler, tracker, when, target, out, err);
            }
        } finally {
            if (tracker != null) {
                tracker.close();
            }
        }
    }

    private int fire(Scheduler scheduler, Tracker tracker, When when, Target target, PrintWriter out, PrintWriter err)
            throws Exception {
        warmUpProcessStart();
        // The scheduler's park and spin and the process start, compiled before the one instant that counts.
        FiringWarmup.warmSchedulerAndExec(local, SchedulerOptions.defaults());
        long instant = when.instantNanos(scheduler.nowReferenceNanos());
        if (tracker != null) {
            awaitBoundAt(tracker, scheduler, instant, err);
        }
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        AtomicReference<Started> started = new AtomicReference<>();
        ScheduledJob job;
        try {
            job = scheduler.at(instant, maxBoundNanos, r -> {
                Process p = builder.start();
                started.set(new Started(p, local.wallNanos()));
            }, null);
        } catch (ScheduleRefusedException e) {
            throw new Refused("refused: " + e.getMessage());
        }
        String clockName = target == null ? "this host's clock" : target.text();
        err.println(scheduler.mode());
        err.println("at " + iso(instant) + " (" + clockName + ", bound at the instant ≤ "
                + Durations.format(job.predictedBoundNanos()) + "): " + String.join(" ", command));
        err.flush();
        countdown(scheduler, job, instant, err);
        Firing f = job.await(Long.MAX_VALUE);
        if (f.outcome() == Firing.Outcome.FAILED) {
            throw new Refused("cannot start " + command.get(0) + ": " + f.detail());
        }
        if (!f.ran()) {
            throw new Refused("did not start: " + f.detail());
        }
        Started s = started.get();
        long startedReference = scheduler.toReferenceNanos(s.localNanos());
        long startBound = scheduler.boundAtLocalNanos(s.localNanos());
        long startLatency = startedReference - instant;
        if (!json) {
            out.printf(Locale.ROOT, "fired   %s ± %s reference time (%s after the instant; scheduler lateness)%n",
                    iso(f.actualReferenceNanos()), Durations.format(f.errorBoundNanos()),
                    Durations.format(f.latenessNanos()));
            out.printf(Locale.ROOT, "started %s ± %s reference time (process start latency %s: starting a process "
                            + "costs milliseconds)%n", iso(startedReference), Durations.format(startBound),
                    Durations.format(startLatency));
            out.flush();
        }
        int exit = s.process().waitFor();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", "at");
            m.put("local_wall_ns", f.actualLocalNanos());
            m.put("reference", target == null ? null : target.text());
            m.put("command", command);
            m.put("instant_ns", instant);
            m.put("fired_reference_ns", f.actualReferenceNanos());
            m.put("lateness_ns", f.latenessNanos());
            m.put("error_bound_ns", f.errorBoundNanos());
            m.put("state", f.state().name());
            m.put("started_local_ns", s.localNanos());
            m.put("started_reference_ns", startedReference);
            m.put("started_error_bound_ns", startBound);
            m.put("start_latency_ns", startLatency);
            m.put("exit_code", exit);
            out.println(JsonOutput.write(m));
            out.flush();
        }
        return exit;
    }

    /**
     * Fails before any waiting when the program cannot be found: a name without a slash is looked
     * up on PATH, as the exec at the instant will.
     */
    static void requireProgram(String program) {
        java.nio.file.Path p;
        if (program.contains("/")) {
            p = java.nio.file.Path.of(program);
            if (java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p)) {
                return;
            }
            throw new Cli.BadInput("no such program: " + program);
        }
        String path = System.getenv("PATH");
        for (String d : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            p = java.nio.file.Path.of(d, program);
            if (java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p)) {
                return;
            }
        }
        throw new Cli.BadInput("no such program on PATH: " + program);
    }

    /**
     * The JVM's first process start loads and initialises its process machinery (and a reaper
     * thread), tens of milliseconds more than later starts; a no-op program started ahead of
     * time pays that before the instant instead of at it. Skipped where there is no
     * {@code true} program.
     */
    private static void warmUpProcessStart() {
        for (String candidate : new String[] {"/bin/true", "/usr/bin/true"}) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(candidate))) {
                try {
                    Process p = new ProcessBuilder(candidate).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
                } catch (IOException e) {
                    // Only a warm-up: the real start reports its own failure.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
        }
    }

    /** Tracks until the clock is SYNCED, or refuses with the reason. */
    private void awaitSynced(Tracker tracker, PrintWriter err) throws InterruptedException {
        err.println("tracking " + tracker.target().text() + " until SYNCED with a bound ≤ "
                + Durations.format(maxBoundNanos) + " ...");
        err.flush();
        try {
            tracker.awaitSynced(syncTimeoutNanos);
        } catch (TimeoutException e) {
            throw new Refused("refused: " + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new Refused("refused: " + CliErrors.describe(e));
        }
    }

    /** Keeps tracking until the bound predicted at the instant is within the limit, or refuses. */
    private void awaitBoundAt(Tracker tracker, Scheduler scheduler, long instant, PrintWriter err)
            throws InterruptedException {
        long deadline = System.nanoTime() + syncTimeoutNanos;
        while (true) {
            ClockState state = tracker.clock().state();
            long bound = scheduler.predictedBoundNanos(instant);
            if (state == ClockState.SYNCED && bound <= maxBoundNanos) {
                return;
            }
            if (instant - scheduler.nowReferenceNanos() < MIN_LEAD_NANOS) {
                return; // no time left to improve; the scheduler judges the instant and the bound
            }
            if (System.nanoTime() - deadline >= 0) {
                ClockReading r = tracker.read();
                throw new Refused("refused: the clock (" + r.state() + ", bound now " + Durations.format(r.errorBoundNanos())
                        + ") predicts a bound of " + Durations.format(bound) + " at the instant, more than --max-bound "
                        + Durations.format(maxBoundNanos));
            }
            Thread.sleep(50);
        }
    }

    /** Whole seconds left, on stderr: rewritten in place on a terminal, a line per step otherwise. */
    private void countdown(Scheduler scheduler, ScheduledJob job, long instant, PrintWriter err)
            throws InterruptedException {
        boolean terminal = System.console() != null;
        long lastShown = -1;
        boolean shown = false;
        while (!job.isDone()) {
            long leftNanos = instant - scheduler.nowReferenceNanos();
            // Quiet for the last second: the scheduler should have the CPU to itself.
            if (leftNanos < 1_000_000_000L) {
                break;
            }
            long seconds = leftNanos / 1_000_000_000L;
            if (seconds != lastShown && (terminal || seconds <= 10 || seconds % 10 == 0)) {
                lastShown = seconds;
                shown = true;
                err.print(terminal ? "\rstarting in " + seconds + " s   " : "starting in " + seconds + " s\n");
                err.flush();
            }
            Thread.sleep(Math.min(100, Math.max(1, (leftNanos - 1_000_000_000L) / 1_000_000L)));
        }
        if (shown && terminal) {
            err.print("\r                        \r");
            err.flush();
        }
    }

    private static String iso(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L))
                .toString();
    }

    /** A refusal or failure of Lockstep's own: one line, exit 1. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** TIME as written: an absolute instant, a delay after the clock is ready, or the next multiple of a period. */
    record When(Long absoluteNanos, long delayNanos, long periodNanos) {

        static When parse(String text) {
            String t = text.trim();
            if (t.startsWith("+")) {
                long d = duration(t.substring(1), text);
                return new When(null, d, 0);
            }
            if (t.toLowerCase(Locale.ROOT).startsWith("next:")) {
                long p = duration(t.substring(5), text);
                return new When(null, 0, p);
            }
            Instant instant;
            try {
                instant = Instant.parse(t);
            } catch (DateTimeParseException e) {
                try {
                    instant = OffsetDateTime.parse(t).toInstant();
                } catch (DateTimeParseException e2) {
                    throw new Cli.BadInput("TIME '" + text + "' is not an ISO-8601 instant (2026-11-30T12:00:10Z), "
                            + "+DURATION or next:DURATION");
                }
            }
            try {
                return new When(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L),
                        instant.getNano()), 0, 0);
            } catch (ArithmeticException e) {
                throw new Cli.BadInput("TIME '" + text + "' is out of range");
            }
        }

        private static long duration(String d, String text) {
            long nanos;
            try {
                nanos = Durations.parseNanos(d);
            } catch (IllegalArgumentException e) {
                throw new Cli.BadInput("TIME '" + text + "': " + e.getMessage());
            }
            if (nanos <= 0) {
                throw new Cli.BadInput("TIME '" + text + "': the duration must be positive");
            }
            return nanos;
        }

        /** The instant, given the reference time now. */
        long instantNanos(long nowReferenceNanos) {
            if (absoluteNanos != null) {
                return absoluteNanos;
            }
            if (periodNanos > 0) {
                long next = (Math.floorDiv(nowReferenceNanos, periodNanos) + 1) * periodNanos;
                while (next - nowReferenceNanos < MIN_LEAD_NANOS) {
                    next += periodNanos;
                }
                return next;
            }
            return nowReferenceNanos + delayNanos;
        }
    }
}
