package io.lockstep.fleet;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Passes at most {@code linesPerWindow} lines per window to a sink and counts the rest, so a
 * flood (an attacker sending hundreds of bad triggers a second) cannot fill a log or a journal:
 * when the window closes, one line says how many were suppressed ("... suppressed K refusals
 * in the last 1 s"), written by itself a window after the first suppressed line even if no
 * further line comes. Thread-safe; the sink is called under this limiter's lock, one line at a time.
 */
public final class LineLimiter {

    private final int linesPerWindow;
    private final long windowNanos;
    private final String noun;
    private final Consumer<String> sink;
    private long windowStartMono;
    private int passed;
    private long suppressed;
    private boolean flushScheduled;

    /**
     * @param linesPerWindow lines written per window before suppressing
     * @param windowNanos    the window
     * @param noun           what a line is, plural, for the summary ("refusals")
     * @param sink           receives the lines and summaries
     */
    public LineLimiter(int linesPerWindow, long windowNanos, String noun, Consumer<String> sink) {
        if (linesPerWindow < 1 || windowNanos <= 0) {
            throw new IllegalArgumentException("a limiter needs at least one line per positive window");
        }
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = windowNanos;
        this.noun = Objects.requireNonNull(noun, "noun");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.windowStartMono = System.nanoTime() - windowNanos;
    }

    /** Writes {@code line}, or counts it when this window's lines are used up. */
    public synchronized void offer(String line) {
        long now = System.nanoTime();
        if (now - windowStartMono >= windowNanos) {
            summarise();
            windowStartMono = now;
            passed = 0;
        }
        if (passed < linesPerWindow) {
            passed++;
            sink.accept(line);
            return;
        }
        suppressed++;
        if (!flushScheduled) {
            flushScheduled = true;
            long wait = windowNanos - (now - windowStartMono);
            CompletableFuture.delayedExecutor(Math.max(wait, 0) + 1_000_000L, TimeUnit.NANOSECONDS).execute(this::flush);
        }
    }

    /** Writes the summary of the suppressed lines now, if any (also called on close by owners). */
    public synchronized void flush() {
        flushScheduled = false;
        summarise();
    }

    private void summarise() {
        if (suppressed > 0) {
            sink.accept("... suppressed " + suppressed + " more " + noun + " in the last "
                    + io.lockstep.time.Durations.formatCompact(windowNanos) + " (at most " + linesPerWindow
                    + " written per " + io.lockstep.time.Durations.formatCompact(windowNanos) + ")");
            suppressed = 0;
        }
    }
}
