package io.lockstep.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a serving command ({@code serve}, {@code agent}, {@code fleet dashboard}) in this JVM on its
 * own thread, without {@code --duration}, until the test has what it needs and closes it. A test
 * that gave the command a fixed {@code --duration} would have to guess how long a busy machine
 * takes to start it and to converge; here every wait is a deadline on the condition itself, and
 * closing interrupts the command, which ends its wait and closes what it serves. The output
 * buffers may be read from any thread; start and close belong to the test's thread.
 */
final class ServingCommand implements AutoCloseable {

    /** How long a condition may take on a busy 2-core machine before the test gives up. */
    static final long DEADLINE_NANOS = 90_000_000_000L;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> code = new CompletableFuture<>();
    private final Thread thread;

    private ServingCommand(String name, boolean mergeErr, String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = mergeErr ? o : new PrintStream(err, true, StandardCharsets.UTF_8);
        thread = new Thread(() -> {
            try {
                code.complete(Main.run(o, e, args));
            } catch (Throwable t) {
                code.completeExceptionally(t);
            }
        }, name);
        thread.start();
    }

    /** Starts {@code lockstep args...} (which must not carry {@code --duration}) on a thread named {@code name}. */
    static ServingCommand start(String name, String... args) {
        return new ServingCommand(name, false, args);
    }

    /** As {@link #start}, with stderr written into {@link #out()} too, as a terminal shows them. */
    static ServingCommand startMerged(String name, String... args) {
        return new ServingCommand(name, true, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Waits until stdout holds a match of {@code pattern}, or fails after {@link #DEADLINE_NANOS}. */
    Matcher await(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (true) {
            Matcher m = pattern.matcher(out());
            if (m.find()) {
                return m;
            }
            if (code.isDone() || System.nanoTime() - deadline > 0) {
                throw new AssertionError("no " + pattern + " from " + thread.getName() + (code.isDone() ? " (it ended)" : "")
                        + "; out: " + out() + " err: " + err());
            }
            Thread.sleep(10);
        }
    }

    /** Waits until stdout holds at least {@code count} lines, or fails after {@link #DEADLINE_NANOS}. */
    java.util.List<String> awaitLines(int count) throws InterruptedException {
        await(Pattern.compile("(?:.*\\n){" + count + "}"));
        return out().lines().toList();
    }

    /** Stops the command and waits (bounded) for it to return and close what it serves. */
    @Override
    public void close() throws Exception {
        thread.interrupt();
        try {
            code.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not stop within 60 s of its interrupt", e);
        }
    }
}
