package io.lockstep.track;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.clock.TrackRecord;
import io.lockstep.time.TimeSource;

/**
 * Paces a {@link ClockTracker} at its interval on the local monotonic clock and hands each
 * {@link TrackRecord} to a listener (the CLI prints it and appends it to the offset log).
 * Exchanges are due at {@code start + k·interval}; when one overruns (a timeout), the missed
 * slots are skipped rather than fired in a burst. The interval is read from the tracker after
 * every exchange, because it grows when the reference asks the tracker to slow down. The wait is
 * pluggable so simulations run in virtual time. Not thread-safe; one thread runs it.
 */
public final class TrackingLoop {

    /** Waits until the local monotonic clock reaches a given reading. */
    @FunctionalInterface
    public interface Pacer {
        void waitUntilMono(long monoNanos) throws InterruptedException;

        /** Sleeps on the real clock of {@code local}. */
        static Pacer sleeping(TimeSource local) {
            return monoNanos -> {
                long wait;
                while ((wait = monoNanos - local.monoNanos()) > 0) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    LockSupport.parkNanos(wait);
                }
            };
        }
    }

    /** Receives each record as soon as it is made. */
    @FunctionalInterface
    public interface Listener {
        void record(TrackRecord record) throws IOException;
    }

    private final ClockTracker tracker;
    private final TimeSource local;
    private final Pacer pacer;

    /**
     * @param tracker       what samples and models
     * @param local         the clock whose monotonic time paces the loop
     * @param pacer         how to wait
     */
    public TrackingLoop(ClockTracker tracker, TimeSource local, Pacer pacer) {
        this.tracker = tracker;
        this.local = local;
        this.pacer = pacer;
    }

    /**
     * Runs until {@code durationNanos} have passed or {@code maxExchanges} were made (either
     * ≤ 0 for no limit), or the thread is interrupted.
     *
     * @return the number of exchanges attempted
     * @throws IOException when the probe's channel broke or the listener failed
     */
    public long run(long durationNanos, long maxExchanges, Listener listener) throws IOException {
        long start = local.monoNanos();
        long due = start;
        long attempts = 0;
        while (true) {
            if (maxExchanges > 0 && attempts >= maxExchanges) {
                return attempts;
            }
            if (durationNanos > 0 && due - start >= durationNanos) {
                return attempts;
            }
            try {
                pacer.waitUntilMono(due);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return attempts;
            }
            listener.record(tracker.sampleOnce());
            attempts++;
            // The tracker's interval, not a copy: it grows when the reference asks us to slow down.
            long intervalNanos = tracker.intervalNanos();
            due += intervalNanos;
            long now = local.monoNanos();
            if (now - due > 0) {
                // An exchange overran; start again from the next slot instead of catching up in a burst.
                due += ((now - due) / intervalNanos + 1) * intervalNanos;
            }
        }
    }
}
