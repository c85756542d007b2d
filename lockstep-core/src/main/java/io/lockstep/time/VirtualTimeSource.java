package io.lockstep.time;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A perfect reference clock that moves only when told to: simulations advance it by hand to
 * run an hour of sampling in milliseconds. Wall time and monotonic time advance together.
 * Thread-safe: the time is a single atomic counter.
 */
public final class VirtualTimeSource implements TimeSource {

    private final long wallOriginNanos;
    private final AtomicLong elapsedNanos = new AtomicLong();

    /** A virtual clock whose wall time starts at {@code wallOriginNanos} (UTC ns). */
    public VirtualTimeSource(long wallOriginNanos) {
        this.wallOriginNanos = wallOriginNanos;
    }

    /** A virtual clock starting at 2026-01-01T00:00:00Z. */
    public VirtualTimeSource() {
        this(1_767_225_600_000_000_000L);
    }

    /** Moves time forward by {@code nanos} (must not be negative) and returns the new monotonic time. */
    public long advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("virtual time cannot go backwards: " + nanos);
        }
        return elapsedNanos.addAndGet(nanos);
    }

    @Override
    public long wallNanos() {
        return wallOriginNanos + elapsedNanos.get();
    }

    @Override
    public long monoNanos() {
        return elapsedNanos.get();
    }
}
