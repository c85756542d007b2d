package io.lockstep.schedule;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * How a {@link Scheduler} waits: how long before an instant it stops parking and spins, how often
 * a parked wait wakes to re-convert the instant through the latest clock model, and what parks.
 * Immutable; start from {@link #defaults()}.
 *
 * @param spinNanos    the final stretch before an instant that is spun rather than parked. Parking
 *                     wakes tens of microseconds late on an idle Linux machine (timer slack and
 *                     wake-up), more under load; spinning this stretch turns that into
 *                     sub-microsecond lateness for the price of this much CPU per firing.
 * @param recheckNanos longest single park; after each the instant is converted again, so a new
 *                     model published meanwhile (a drift correction) moves the local target
 * @param waiter       what parks; {@link Waiter#PARK} for real time, a virtual-time driver in
 *                     simulations
 * @param tuning       what the scheduler does to its firing thread when it starts (with
 *                     {@link Waiter#PARK} only); by default the installed one,
 *                     {@link FiringThreadTuning#installed()}
 */
public record SchedulerOptions(long spinNanos, long recheckNanos, Waiter waiter, FiringThreadTuning tuning) {

    /** Spin stretch unless told otherwise: 500 µs. */
    public static final long DEFAULT_SPIN_NANOS = 500_000L;
    /** Longest park unless told otherwise: 20 ms. */
    public static final long DEFAULT_RECHECK_NANOS = 20_000_000L;

    /**
     * Parks the scheduler's thread for about a given time. It may return early (the scheduler
     * then looks again); a virtual-time implementation advances its clock instead of parking.
     */
    @FunctionalInterface
    public interface Waiter {
        /** Parks with {@link LockSupport#parkNanos(long)}; an unpark (a new or cancelled job) wakes it early. */
        Waiter PARK = LockSupport::parkNanos;

        void park(long nanos);
    }

    /** Options with the installed {@link FiringThreadTuning}. */
    public SchedulerOptions(long spinNanos, long recheckNanos, Waiter waiter) {
        this(spinNanos, recheckNanos, waiter, FiringThreadTuning.installed());
    }

    public SchedulerOptions {
        Objects.requireNonNull(waiter, "waiter");
        Objects.requireNonNull(tuning, "tuning");
        if (spinNanos < 0) {
            throw new IllegalArgumentException("the spin stretch must not be negative");
        }
        if (recheckNanos <= 0) {
            throw new IllegalArgumentException("the re-check interval must be positive");
        }
    }

    /** 500 µs spin, 20 ms re-check, real parking, the installed firing-thread tuning. */
    public static SchedulerOptions defaults() {
        return new SchedulerOptions(DEFAULT_SPIN_NANOS, DEFAULT_RECHECK_NANOS, Waiter.PARK);
    }

    public SchedulerOptions withSpinNanos(long nanos) {
        return new SchedulerOptions(nanos, recheckNanos, waiter, tuning);
    }

    public SchedulerOptions withRecheckNanos(long nanos) {
        return new SchedulerOptions(spinNanos, nanos, waiter, tuning);
    }

    public SchedulerOptions withWaiter(Waiter w) {
        return new SchedulerOptions(spinNanos, recheckNanos, w, tuning);
    }

    /** These options with {@code t} tuning the firing thread ({@link FiringThreadTuning#NONE}: left alone). */
    public SchedulerOptions withTuning(FiringThreadTuning t) {
        return new SchedulerOptions(spinNanos, recheckNanos, waiter, t);
    }
}
