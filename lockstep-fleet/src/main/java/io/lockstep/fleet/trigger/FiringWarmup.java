package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.SyncedClock;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.action.ActionKind;
import io.lockstep.fleet.action.ActionRunner;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.schedule.ScheduledJob;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.TimeSource;

/**
 * Runs the whole firing path of a fresh JVM on throwaway inputs before the first real trigger,
 * so that the first firing is as tight as the hundredth: the classes of triggers, HMAC, JSON, the
 * scheduler's park and spin, pipe writes, file writes and process starts are loaded, initialised
 * and compiled here rather than at the instant (measured cold: a one-line pipe write took 2.8–17
 * ms and the scheduler 2.3 ms late). It never touches the user's programs or files, nor the real
 * desk's key or replay memory: a desk of its own, under a random key, over a clock that is its
 * own reference, fires {@code line} actions into a {@code cat} whose output is discarded,
 * {@code write} actions into a temporary file and {@code exec} actions of {@code true}; only the
 * kinds the agent's actions file uses, since each path warmed costs resident memory for good (an
 * agent with one {@code write} action saved about 2 MB of RSS by not warming pipes and process
 * starts it never uses). Stateless and thread-safe; each call builds and closes its own throwaway desk.
 */
public final class FiringWarmup {

    /** Firings of each kind at one instant apiece; C1 compiles after a few hundred calls, the loops sooner. */
    static final int ROUNDS = 40;
    /** Process starts (each a fork and exec, a few ms on a Pi): enough to load and compile the path. */
    static final int EXEC_ROUNDS = 4;
    /** Firings of each kind in the burst after the rounds. */
    static final int BURST = 250;
    /** Parses and HMAC checks without scheduling: the trigger's path up to the scheduler. */
    static final int PARSE_ROUNDS = 600;
    /** How far ahead each warm-up instant lies: more than the desk's 1 ms minimum lead. */
    private static final long LEAD_NANOS = 5_000_000L;
    private static final long GIVE_UP_NANOS = 10_000_000_000L;

    /** What a warm-up did. */
    public record Result(int firings, int fired, long elapsedNanos) {
        /** One line for stderr. */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "firing path warmed: %d of %d throwaway firings in %.0f ms",
                    fired, firings, elapsedNanos / 1e6);
        }
    }

    private FiringWarmup() {
    }

    /**
     * Warms the trigger desk's path on {@code local} (the clock the real desk's scheduler will
     * read) with {@code options} (the real desk's scheduler options).
     */
    public static Result warm(TimeSource local, SchedulerOptions options) {
        return warm(local, options, EnumSet.allOf(ActionKind.class));
    }

    /**
     * Warms the path as {@link #warm(TimeSource, SchedulerOptions)} does, for the action kinds in
     * {@code kinds} only ({@code tick} shares {@code line}'s pipe path). The trigger's parsing,
     * HMAC and the scheduler are always warmed.
     */
    public static Result warm(TimeSource local, SchedulerOptions options, Set<ActionKind> kinds) {
        boolean pipe = kinds.contains(ActionKind.LINE) || kinds.contains(ActionKind.TICK);
        boolean write = kinds.contains(ActionKind.WRITE) || kinds.isEmpty();
        long startMono = System.nanoTime();
        int firings = 0;
        int fired = 0;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lockstep-warmup");
            Path file = dir.resolve("value");
            String exec = kinds.contains(ActionKind.EXEC) ? trueProgram() : null;
            ActionsFile actions = ActionsFile.parse((pipe ? "warm-line line cat\n" : "")
                    + (write ? "warm-write write " + file + " 1\n" : "")
                    + (exec == null ? "" : "warm-exec exec " + exec + "\n"), "firing warm-up", dir);
            FleetKey key = FleetKey.random();
            parseAndVerify(key);
            SyncedClock.Feed feed = SyncedClock.create(local, 3_600_000_000_000L);
            long now = local.wallNanos();
            // Its own reference: offset 0, drift known, so the desk takes it for SYNCED.
            feed.publish(new ClockModel(now, 0, 0, 1_000, 0.01, 50_000, now, 100, now - 100_000_000_000L, 0, true), now);
            try (ActionRunner runner = ActionRunner.start(actions, ProcessBuilder.Redirect.DISCARD);
                 TriggerDesk desk = new TriggerDesk("warm-up", feed.clock(), runner, key,
                         new TriggerDesk.Limits(3_600_000_000_000L, 1_000_000L, Scheduler.NO_BOUND_LIMIT, 4 * BURST,
                                 4 * BURST), options, false)) {
                List<String> warmed = new ArrayList<>();
                if (pipe) {
                    warmed.add("warm-line");
                }
                if (write) {
                    warmed.add("warm-write");
                }
                for (int round = 0; round < ROUNDS; round++) {
                    for (String action : warmed) {
                        firings++;
                        fired += fireOnce(desk, key, feed.clock(), action) ? 1 : 0;
                    }
                    if (exec != null && round < EXEC_ROUNDS) {
                        firings++;
                        fired += fireOnce(desk, key, feed.clock(), "warm-exec") ? 1 : 0;
                    }
                }
                // Then enough calls for the JIT (C1 compiles a method after about 200): a burst of instants
                // 200 µs apart, which the scheduler meets spinning from one to the next.
                for (String action : warmed) {
                    firings += BURST;
                    fired += fireBurst(desk, key, feed.clock(), action);
                }
                // The periodic path (every, count) once, on the first warmed action.
                firings++;
                fired += firePeriodic(desk, key, feed.clock(), warmed.isEmpty() ? "warm-exec" : warmed.get(0)) ? 1 : 0;
            }
        } catch (IOException | RuntimeException e) {
            // Only a warm-up: the real path reports its own failures.
            System.getLogger(FiringWarmup.class.getName()).log(System.Logger.Level.DEBUG, "firing warm-up: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(dir);
        }
        return new Result(firings, fired, System.nanoTime() - startMono);
    }

    /**
     * Warms a plain scheduler's park and spin and a process start, for {@code lockstep at}: a few
     * instants on {@code local} a few ms apart, each starting {@code true} (its output discarded).
     */
    public static Result warmSchedulerAndExec(TimeSource local, SchedulerOptions options) {
        long startMono = System.nanoTime();
        String exec = trueProgram();
        int firings = 0;
        int fired = 0;
        try (Scheduler s = Scheduler.forLocal(local, options)) {
            for (int k = 0; k < ROUNDS; k++) {
                boolean start = exec != null && k < EXEC_ROUNDS;
                ProcessBuilder pb = start ? new ProcessBuilder(exec).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD) : null;
                ScheduledJob job = s.at(local.wallNanos() + LEAD_NANOS, Scheduler.NO_BOUND_LIMIT, due -> {
                    if (pb != null) {
                        pb.start().waitFor();
                    }
                }, null);
                firings++;
                fired += job.await(GIVE_UP_NANOS).ran() ? 1 : 0;
            }
        } catch (Exception e) {
            System.getLogger(FiringWarmup.class.getName()).log(System.Logger.Level.DEBUG, "scheduler warm-up: " + e);
        }
        return new Result(firings, fired, System.nanoTime() - startMono);
    }

    /** The trigger's path before the scheduler: its JSON both ways, the canonical text, the HMAC (good and bad). */
    private static void parseAndVerify(FleetKey key) {
        FleetKey other = FleetKey.random();
        for (int i = 0; i < PARSE_ROUNDS; i++) {
            Trigger t = Trigger.create("warm-line", 1_000_000_000L * (i + 1), 1_000_000_000L * (i + 2), 0, 1, 0)
                    .signedWith(i % 2 == 0 ? key : other);
            byte[] body = JsonText.write(TriggerJson.toMap(t)).getBytes(StandardCharsets.UTF_8);
            try {
                Trigger parsed = TriggerJson.parse(body);
                key.verify(parsed.canonical(), parsed.signature());
            } catch (TriggerRefusedException e) {
                throw new IllegalStateException("the warm-up's own trigger did not parse: " + e.getMessage(), e);
            }
        }
    }

    private static boolean fireOnce(TriggerDesk desk, FleetKey key, SyncedClock clock, String action)
            throws InterruptedException {
        long at = clock.nowNanos() + LEAD_NANOS;
        Trigger t = Trigger.create(action, at, at + 60_000_000_000L, 0, 1, 0).signedWith(key);
        return acceptAndAwait(desk, t, 1);
    }

    /** {@link #BURST} triggers for {@code action} at instants 200 µs apart; the number that fired. */
    private static int fireBurst(TriggerDesk desk, FleetKey key, SyncedClock clock, String action)
            throws InterruptedException {
        long first = clock.nowNanos() + 4 * LEAD_NANOS;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            long at = Math.max(first + i * 200_000L, clock.nowNanos() + LEAD_NANOS);
            Trigger t = Trigger.create(action, at, at + 60_000_000_000L, 0, 1, 0).signedWith(key);
            try {
                desk.accept(JsonText.write(TriggerJson.toMap(t)).getBytes(StandardCharsets.UTF_8));
                ids.add(t.id());
            } catch (TriggerRefusedException e) {
                // Late on a busy machine: one fewer warm-up firing.
            }
        }
        int fired = 0;
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        for (String id : ids) {
            while (System.nanoTime() - deadline < 0) {
                Map<String, Object> report = desk.report(id).orElse(null);
                if (report != null && ((Number) report.get("firings_done")).intValue() >= 1) {
                    fired += ((Number) report.get("firings_ok")).intValue();
                    break;
                }
                Thread.sleep(1);
            }
        }
        return fired;
    }

    private static boolean firePeriodic(TriggerDesk desk, FleetKey key, SyncedClock clock, String action)
            throws InterruptedException {
        long every = 10_000_000L;
        long at = clock.nowNanos() + LEAD_NANOS;
        Trigger t = Trigger.create(action, at, at + 60_000_000_000L, every, 5, 0).signedWith(key);
        return acceptAndAwait(desk, t, 5);
    }

    /** Sends {@code t} as its JSON body, answers as the HTTP reply would, and waits for its report. */
    private static boolean acceptAndAwait(TriggerDesk desk, Trigger t, int firings) throws InterruptedException {
        byte[] body = JsonText.write(TriggerJson.toMap(t)).getBytes(StandardCharsets.UTF_8);
        try {
            JsonText.write(desk.accept(body).toJson());
        } catch (TriggerRefusedException e) {
            return false;
        }
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (System.nanoTime() - deadline < 0) {
            Map<String, Object> report = desk.report(t.id()).orElse(null);
            if (report != null && ((Number) report.get("firings_done")).intValue() >= firings) {
                JsonText.write(report);
                JsonText.write(desk.lastFiring());
                return ((Number) report.get("firings_ok")).intValue() == firings;
            }
            Thread.sleep(1);
        }
        return false;
    }

    private static String trueProgram() {
        for (String candidate : new String[] {"/bin/true", "/usr/bin/true"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
