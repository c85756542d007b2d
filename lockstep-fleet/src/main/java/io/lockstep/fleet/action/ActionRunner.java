package io.lockstep.fleet.action;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Performs an agent's actions: it starts the long-running programs of {@code line} and
 * {@code tick} actions at launch and keeps their stdin open, and at an instant runs one action
 * now. It never runs anything not in the actions file, and never interprets text from the
 * network: callers pass an {@link Action} and, for line-based kinds, the line the agent composed.
 * Thread-safe: each long-running program's stdin is written under its own lock, so two actions
 * firing at once do not wait for each other.
 */
public final class ActionRunner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ActionRunner.class.getName());

    /** What an action did. Immutable. */
    public record Outcome(boolean ok, String detail) {
        static Outcome ok(String detail) {
            return new Outcome(true, detail);
        }

        static Outcome failed(String detail) {
            return new Outcome(false, detail);
        }

        /** {@code ok: ...} or {@code failed: ...}, as firings are reported. */
        @Override
        public String toString() {
            return (ok ? "ok: " : "failed: ") + detail;
        }
    }

    /** A program started at launch, fed one line per firing. */
    private static final class Feed {
        final Process process;
        final OutputStream stdin;

        Feed(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
        }
    }

    private final ActionsFile actions;
    private final ProcessBuilder.Redirect output;
    // Concurrent: a program missing at launch is started at its first firing, on a firing thread.
    private final Map<String, Feed> feeds = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    private ActionRunner(ActionsFile actions, ProcessBuilder.Redirect output) {
        this.actions = actions;
        this.output = output;
    }

    /**
     * Starts the long-running programs of {@code actions}' {@code line} and {@code tick}
     * actions and returns a runner for all of them.
     *
     * @param output where the programs' stdout and stderr go (the agent's own, or discarded)
     * A program that cannot be started now (not installed yet, say) is logged and started at its
     * action's first firing instead, so the agent still comes up.
     *
     * @throws IOException never for a program that cannot start (kept for callers' compatibility)
     */
    public static ActionRunner start(ActionsFile actions, ProcessBuilder.Redirect output) throws IOException {
        ActionRunner runner = new ActionRunner(actions, output);
        for (Action a : actions.actions()) {
            if (a.kind().longRunning()) {
                try {
                    runner.feeds.put(a.name(), new Feed(runner.process(a).start()));
                } catch (IOException e) {
                    // INFO: the agent already printed one warning per missing program (ActionsFile.missingPrograms).
                    LOG.log(System.Logger.Level.INFO, "action " + a.name() + ": cannot start " + a.args().get(0)
                            + " (" + e.getMessage() + "); trying again at its first firing");
                }
            }
        }
        return runner;
    }

    /** The actions this runner performs. */
    public ActionsFile actions() {
        return actions;
    }

    private ProcessBuilder process(Action a) {
        ProcessBuilder pb = new ProcessBuilder(a.args());
        pb.redirectOutput(output);
        pb.redirectError(output);
        return pb;
    }

    /**
     * Performs {@code action} now.
     *
     * @param line for {@code line} and {@code tick}: the line to write (without its newline);
     *             ignored by the other kinds
     * @return what happened; never throws for a failed action, which is an outcome to report
     */
    public Outcome run(Action action, String line) {
        if (closed) {
            return Outcome.failed("the agent is shutting down");
        }
        return switch (action.kind()) {
            case EXEC -> exec(action);
            case WRITE -> write(action);
            case LINE, TICK -> line(action, line);
        };
    }

    private Outcome exec(Action action) {
        try {
            Process p = process(action).start();
            p.getOutputStream().close();
            p.onExit().thenAccept(done -> {
                if (done.exitValue() != 0) {
                    // INFO: the agent already printed one warning per missing program (ActionsFile.missingPrograms).
                    LOG.log(System.Logger.Level.INFO, "action " + action.name() + ": " + action.args().get(0)
                            + " exited with code " + done.exitValue());
                }
            });
            return Outcome.ok("started pid " + p.pid());
        } catch (IOException e) {
            return Outcome.failed("cannot start " + action.args().get(0) + ": " + e.getMessage());
        }
    }

    private Outcome write(Action action) {
        Path path = Path.of(action.args().get(0));
        try {
            Files.write(path, action.args().get(1).getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return Outcome.ok("wrote " + path);
        } catch (IOException e) {
            return Outcome.failed("cannot write " + path + ": " + e);
        }
    }

    private Outcome line(Action action, String line) {
        Feed feed = feeds.get(action.name());
        if (feed == null) {
            try {
                feed = startLate(action);
            } catch (IOException e) {
                return Outcome.failed("cannot start " + action.args().get(0) + ": " + e.getMessage());
            }
            if (feed == null) {
                return Outcome.failed("the agent is shutting down");
            }
        }
        if (!feed.process.isAlive()) {
            return Outcome.failed(action.args().get(0) + " exited with code " + feed.process.exitValue());
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (feed) {
            try {
                feed.stdin.write(bytes);
                feed.stdin.flush();
                return Outcome.ok("line to pid " + feed.process.pid());
            } catch (IOException e) {
                return Outcome.failed("cannot write to " + action.args().get(0) + ": " + e.getMessage());
            }
        }
    }

    /**
     * Starts the program of a {@code line} or {@code tick} action that could not start at launch;
     * null once closing. This firing pays the start-up; later ones find it running.
     */
    private synchronized Feed startLate(Action action) throws IOException {
        if (closed) {
            return null;
        }
        Feed feed = feeds.get(action.name());
        if (feed == null) {
            feed = new Feed(process(action).start());
            feeds.put(action.name(), feed);
        }
        return feed;
    }

    /** Whether the long-running program of {@code actionName} is still running (false for other kinds). */
    public boolean running(String actionName) {
        Feed feed = feeds.get(actionName);
        return feed != null && feed.process.isAlive();
    }

    /**
     * Closes the long-running programs' stdin (they see end of input and may finish their work),
     * waits a moment, then ends those still running.
     */
    @Override
    public void close() {
        synchronized (this) {
            // Under the lock startLate takes, so no program starts after the loops below.
            closed = true;
        }
        for (Feed feed : feeds.values()) {
            synchronized (feed) {
                try {
                    feed.stdin.close();
                } catch (IOException e) {
                    // Already gone: nothing to flush.
                }
            }
        }
        for (Feed feed : feeds.values()) {
            try {
                if (!feed.process.waitFor(2, TimeUnit.SECONDS)) {
                    feed.process.destroy();
                    if (!feed.process.waitFor(2, TimeUnit.SECONDS)) {
                        feed.process.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                feed.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
