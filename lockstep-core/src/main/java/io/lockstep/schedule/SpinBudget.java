package io.lockstep.schedule;

/**
 * How long a real-time firing thread may spin before an instant, so that it can never starve the
 * machine: no ordinary thread can preempt a SCHED_FIFO thread, so an unbounded spin on one would
 * freeze a core, and the kernel's real-time throttling (which leaves ordinary threads 5 % of each
 * second by default, and may be switched off) is a last resort, not a budget. Two limits: at most
 * {@link #MAX_SPIN_NANOS} per firing, and at most {@link #SHARE} of the elapsed time overall
 * (a token bucket holding at most {@link #BURST_NANOS}), so a fast periodic job parks instead of
 * spinning once it has used its share. One budget, {@link #SHARED}, serves every real-time
 * scheduler thread of the JVM (many simulated agents in one process must not add up to a starved
 * machine). Thread-safe (synchronized; uncontended, it costs tens of nanoseconds).
 */
final class SpinBudget {

    /** The budget of every real-time scheduler thread in this JVM. */
    static final SpinBudget SHARED = new SpinBudget();

    /** Longest spin before one instant under a real-time policy: 1 ms. */
    static final long MAX_SPIN_NANOS = 1_000_000L;
    /** Share of the elapsed time a real-time thread may spend spinning: a quarter. */
    static final double SHARE = 0.25;
    /** Most spin time saved up while idle: 10 ms. */
    static final long BURST_NANOS = 10_000_000L;

    private long availableNanos = BURST_NANOS;
    private long stampMonoNanos;
    private boolean started;

    /** The spin stretch allowed before the next instant, at most {@code requestedNanos}. */
    synchronized long allowedNanos(long requestedNanos, long nowMonoNanos) {
        refill(nowMonoNanos);
        return Math.max(0, Math.min(requestedNanos, Math.min(MAX_SPIN_NANOS, availableNanos)));
    }

    /** Charges a spin that lasted {@code spunNanos}. */
    synchronized void spent(long spunNanos) {
        availableNanos -= Math.max(0, spunNanos);
    }

    private void refill(long nowMonoNanos) {
        if (started) {
            long elapsed = Math.max(0, nowMonoNanos - stampMonoNanos);
            availableNanos = (long) Math.min(BURST_NANOS, availableNanos + elapsed * SHARE);
        }
        started = true;
        stampMonoNanos = nowMonoNanos;
    }
}
