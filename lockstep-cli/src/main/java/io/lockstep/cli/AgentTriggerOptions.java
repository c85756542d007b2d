package io.lockstep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

import io.lockstep.fleet.Agent;
import io.lockstep.fleet.action.ActionRunner;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.fleet.trigger.FiringWarmup;
import io.lockstep.fleet.trigger.TriggerDesk;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import picocli.CommandLine.Option;

/**
 * The agent's trigger options (a picocli mixin of {@code lockstep agent}): the fleet key that
 * triggers must be signed with, the actions file that says what a trigger may name, and the
 * agent's own limits. {@link #install} adds {@code /api/triggers} to a running agent and prints
 * each acceptance, refusal and firing as one stdout line. Not thread-safe; one instance per
 * invocation.
 */
final class AgentTriggerOptions {

    @Option(names = "--key", paramLabel = "FILE",
            description = "Fleet key (from `lockstep fleet keygen`) that triggers must be signed with; owner-only "
                    + "permissions required. Without it every trigger is refused.")
    Path keyFile;

    @Option(names = "--actions", paramLabel = "FILE",
            description = "What triggers may name: one action a line, 'NAME KIND ARG...' with KIND exec PROGRAM [ARG...], "
                    + "line PROGRAM [ARG...] (started now, one stdin line per firing), write PATH VALUE, or tick "
                    + "PROGRAM [ARG...] (periodic lines); '#' starts a comment.")
    Path actionsFile;

    @Option(names = "--max-bound", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Refuse triggers when the clock's error bound at the instant would exceed this "
                    + "(default: only the trigger's own limit).")
    Long maxBoundNanos;

    @Option(names = "--max-ahead", paramLabel = "DURATION", defaultValue = "1h", converter = Cli.DurationConverter.class,
            description = "Refuse triggers whose instant or expiry lies further ahead (default ${DEFAULT-VALUE}).")
    long maxAheadNanos;

    /** What was read before the agent starts: bad files fail before any port is bound. */
    record Loaded(FleetKey key, ActionsFile actions) {
    }

    /** The running desk and its runner, closed with the agent. */
    record Desk(TriggerDesk desk, ActionRunner runner) implements AutoCloseable {
        @Override
        public void close() {
            desk.close();
            runner.close();
        }
    }

    /**
     * Reads the key and the actions file.
     *
     * @throws Cli.BadInput for a malformed actions file, a key file others can read, or a bad limit
     */
    Loaded load() throws IOException {
        if (maxBoundNanos != null && maxBoundNanos <= 0) {
            throw new Cli.BadInput("--max-bound must be positive");
        }
        if (maxAheadNanos <= 0) {
            throw new Cli.BadInput("--max-ahead must be positive");
        }
        // A missing file is the user's input (exit 2), named with the option that gave it.
        if (keyFile != null && !java.nio.file.Files.exists(keyFile)) {
            throw new Cli.BadInput("--key " + keyFile + ": no such file (make one with `lockstep fleet keygen --out FILE`)");
        }
        if (actionsFile != null && !java.nio.file.Files.exists(actionsFile)) {
            throw new Cli.BadInput("--actions " + actionsFile + ": no such file");
        }
        FleetKey key = null;
        ActionsFile actions = ActionsFile.empty();
        try {
            if (keyFile != null) {
                key = FleetKey.load(keyFile);
            }
            if (actionsFile != null) {
                actions = ActionsFile.read(actionsFile);
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage(), e);
        }
        return new Loaded(key, actions);
    }

    /** Starts the actions' programs and adds the trigger resource to {@code agent}. */
    Desk install(Agent agent, Loaded loaded, PrintWriter out, PrintWriter err) throws IOException {
        // Warn, but start: the program may be installed before the first trigger.
        for (String missing : loaded.actions().missingPrograms(System.getenv("PATH"))) {
            err.println("lockstep: " + missing);
        }
        err.flush();
        ActionRunner runner = ActionRunner.start(loaded.actions(), ProcessBuilder.Redirect.INHERIT);
        if (loaded.key() != null && !loaded.actions().actions().isEmpty()) {
            // Before the trigger resource exists: the first real firing finds the path warm.
            err.println("lockstep: " + FiringWarmup.warm(agent.config().local(), SchedulerOptions.defaults(),
                    loaded.actions().kinds()).describe());
            err.flush();
        }
        TriggerDesk.Limits limits = TriggerDesk.Limits.defaults().withMaxAheadNanos(maxAheadNanos)
                .withMaxBoundNanos(maxBoundNanos == null ? Scheduler.NO_BOUND_LIMIT : maxBoundNanos);
        TriggerDesk desk = TriggerDesk.install(agent, runner, loaded.key(), limits);
        desk.addJournal(line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        if (loaded.key() == null && actionsFile != null) {
            err.println("lockstep: warning: no --key: every trigger will be refused");
            err.flush();
        }
        return new Desk(desk, runner);
    }
}
