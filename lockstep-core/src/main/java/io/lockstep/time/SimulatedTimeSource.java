package io.lockstep.time;

/**
 * A device clock derived from a reference {@link TimeSource}: it reads ahead of the reference
 * by an offset, runs fast or slow by a drift in ppm, and can be stepped. Works over the real
 * system clock (for a simulated device served on loopback) and over a
 * {@link VirtualTimeSource} (for simulations in virtual time). Thread-safe: the clock's
 * parameters are one immutable state object behind a volatile field.
 *
 * <p>Model: at reference monotonic time {@code m}, this clock's wall time is
 * {@code ref.wall(m) + offset + drift·(m − m0) + steps}, where {@code m0} is the reference
 * monotonic time when the source was created. Its monotonic time runs at the same drifted
 * rate and never steps. So with the Lockstep sign convention ({@code offset = local − remote}),
 * a client on the reference host measuring this clock sees an offset of about
 * {@code −(offset + drift·elapsed + steps)}.
 */
public final class SimulatedTimeSource implements TimeSource {

    private record State(long offsetNanos, double driftPpm, long rateOriginMonoNanos, long driftAccumulatedNanos) {
    }

    private final TimeSource reference;
    private final long originMonoNanos;
    private volatile State state;

    /**
     * @param reference the true clock this device's clock is derived from
     * @param offsetNanos how far this clock reads ahead of the reference at creation
     * @param driftPpm how fast this clock runs relative to the reference, in parts per million
     */
    public SimulatedTimeSource(TimeSource reference, long offsetNanos, double driftPpm) {
        this.reference = reference;
        this.originMonoNanos = reference.monoNanos();
        this.state = new State(offsetNanos, driftPpm, originMonoNanos, 0);
    }

    /** Steps this clock's wall time by {@code stepNanos} (positive = jumps ahead). */
    public synchronized void step(long stepNanos) {
        State s = state;
        state = new State(s.offsetNanos + stepNanos, s.driftPpm, s.rateOriginMonoNanos, s.driftAccumulatedNanos);
    }

    /** Changes the drift from now on, keeping the clock continuous (no jump at the change). */
    public synchronized void setDriftPpm(double driftPpm) {
        long now = reference.monoNanos();
        State s = state;
        long accumulated = s.driftAccumulatedNanos + driftNanos(s.driftPpm, now - s.rateOriginMonoNanos);
        state = new State(s.offsetNanos, driftPpm, now, accumulated);
    }

    /** The current drift in ppm. */
    public double driftPpm() {
        return state.driftPpm;
    }

    /**
     * The true offset of this clock relative to its reference right now, {@code this − reference},
     * in ns: the value an ideal measurement from the reference host would report as
     * {@code −offsetNanos} under the Lockstep convention.
     */
    public long aheadOfReferenceNanos() {
        return aheadNanos(state, reference.monoNanos());
    }

    /**
     * The true offset {@code this − reference} at the instant the reference's wall clock read
     * {@code referenceWallNanos} (recently, or in the near future): what a measurement that
     * applies to that instant should have found, negated.
     */
    public long aheadAtReferenceWallNanos(long referenceWallNanos) {
        long refMonoThen = reference.monoNanos() - (reference.wallNanos() - referenceWallNanos);
        return aheadNanos(state, refMonoThen);
    }

    @Override
    public long wallNanos() {
        State s = state;
        long refMono = reference.monoNanos();
        long refWall = reference.wallNanos();
        return refWall + aheadNanos(s, refMono);
    }

    @Override
    public long monoNanos() {
        State s = state;
        long refMono = reference.monoNanos();
        // Monotonic time drifts like wall time but ignores steps.
        return refMono + s.driftAccumulatedNanos + driftNanos(s.driftPpm, refMono - s.rateOriginMonoNanos);
    }

    @Override
    public long wallResolutionNanos() {
        return reference.wallResolutionNanos();
    }

    private static long aheadNanos(State s, long refMono) {
        return s.offsetNanos + s.driftAccumulatedNanos + driftNanos(s.driftPpm, refMono - s.rateOriginMonoNanos);
    }

    private static long driftNanos(double driftPpm, long elapsedNanos) {
        return Math.round(elapsedNanos * driftPpm * 1e-6);
    }
}
