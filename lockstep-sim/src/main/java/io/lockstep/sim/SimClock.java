package io.lockstep.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.lockstep.time.TimeSource;
import io.lockstep.time.VirtualTimeSource;

/**
 * A simulated device clock in virtual time: it reads ahead of the true clock by an offset,
 * runs fast or slow by a drift in ppm, wanders in frequency like a crystal whose temperature
 * changes (a random walk), and can be stepped. Seeded and deterministic. Not thread-safe:
 * simulations drive it from one thread.
 *
 * <p>The frequency random walk is drawn on a fixed one-second grid of true time, so the path
 * depends only on the seed, never on how often or when the clock happens to be read. Reads
 * may go back in time (the whole path is kept), which lets a simulation ask for the truth at
 * any instant it has already passed.
 */
public final class SimClock implements TimeSource {

    private static final long GRID_NANOS = 1_000_000_000L;

    private final VirtualTimeSource truth;
    private final long originMonoNanos;
    private final long offsetNanos;
    private final double wanderPpmPerSqrtSecond;
    private final SplittableRandom random;
    // Frequency (ppm) in force during grid interval k, and drift accumulated (ns) at its start.
    private double[] frequencyPpm = new double[64];
    private double[] accumulatedNanos = new double[64];
    private int gridCount = 1;
    private long[] stepAtMonoNanos = new long[0];
    private long[] stepNanos = new long[0];
    // Deterministic frequency changes on top of the random walk: a ramp (ppm per grid second)
    // and jumps of the frequency at given grid intervals.
    private double rampPpmPerSecond;
    private long[] frequencyJumpAtGrid = new long[0];
    private double[] frequencyJumpPpm = new double[0];

    /**
     * @param truth                  the true (reference) time that drives the simulation
     * @param offsetNanos            how far this clock reads ahead of the truth at creation
     * @param driftPpm               how fast this clock runs relative to the truth, in ppm
     * @param wanderPpmPerSqrtSecond standard deviation of the frequency random walk per √s
     *                               (0 for a perfectly stable oscillator)
     * @param seed                   seed for the random walk
     */
    public SimClock(VirtualTimeSource truth, long offsetNanos, double driftPpm, double wanderPpmPerSqrtSecond,
                    long seed) {
        this.truth = truth;
        this.originMonoNanos = truth.monoNanos();
        this.offsetNanos = offsetNanos;
        this.wanderPpmPerSqrtSecond = wanderPpmPerSqrtSecond;
        this.random = new SplittableRandom(seed);
        frequencyPpm[0] = driftPpm;
        accumulatedNanos[0] = 0;
    }

    /** A clock without frequency wander. */
    public SimClock(VirtualTimeSource truth, long offsetNanos, double driftPpm) {
        this(truth, offsetNanos, driftPpm, 0, 0);
    }

    /** Steps this clock's wall time by {@code stepNanos} at true monotonic time {@code atTrueMonoNanos}. */
    public void stepAt(long atTrueMonoNanos, long stepNanos) {
        int n = stepAtMonoNanos.length;
        stepAtMonoNanos = Arrays.copyOf(stepAtMonoNanos, n + 1);
        this.stepNanos = Arrays.copyOf(this.stepNanos, n + 1);
        stepAtMonoNanos[n] = atTrueMonoNanos;
        this.stepNanos[n] = stepNanos;
    }

    /**
     * From true monotonic time {@code atTrueMonoNanos} on (rounded up to the one-second grid),
     * this clock runs at {@code newDriftPpm} plus whatever wander and ramp add: a frequency jump,
     * such as a drift whose sign flips. Call before the clock is read past that instant.
     *
     * @throws IllegalStateException when the clock was already read past that instant
     */
    public void changeDriftAt(long atTrueMonoNanos, double newDriftPpm) {
        long k = Math.max(1, Math.floorDiv(atTrueMonoNanos - originMonoNanos + GRID_NANOS - 1, GRID_NANOS));
        if (k < gridCount) {
            throw new IllegalStateException("the clock was already read past the change");
        }
        int n = frequencyJumpAtGrid.length;
        frequencyJumpAtGrid = Arrays.copyOf(frequencyJumpAtGrid, n + 1);
        frequencyJumpPpm = Arrays.copyOf(frequencyJumpPpm, n + 1);
        frequencyJumpAtGrid[n] = k;
        // The jump is relative to the deterministic part (drift and ramp), so the wander carries on.
        frequencyJumpPpm[n] = newDriftPpm - deterministicPpm(k);
    }

    /**
     * Makes the frequency change steadily by {@code ppmPerSecond} (a crystal warming up), from
     * the start. Call before the clock is first read past its start.
     */
    public void rampDrift(double ppmPerSecond) {
        if (gridCount > 1) {
            throw new IllegalStateException("the clock was already read");
        }
        rampPpmPerSecond = ppmPerSecond;
    }

    /** The frequency without the random walk at grid interval {@code k}. */
    private double deterministicPpm(long k) {
        double f = frequencyPpm[0] + rampPpmPerSecond * k;
        for (int i = 0; i < frequencyJumpAtGrid.length; i++) {
            if (k >= frequencyJumpAtGrid[i]) {
                f += frequencyJumpPpm[i];
            }
        }
        return f;
    }

    /** Steps this clock's wall time now. */
    public void step(long stepNanos) {
        stepAt(truth.monoNanos(), stepNanos);
    }

    /** How far this clock's wall time reads ahead of the truth at true monotonic time {@code trueMonoNanos}. */
    public long aheadAtNanos(long trueMonoNanos) {
        long steps = 0;
        for (int i = 0; i < stepAtMonoNanos.length; i++) {
            if (trueMonoNanos >= stepAtMonoNanos[i]) {
                steps += stepNanos[i];
            }
        }
        return offsetNanos + Math.round(driftAccumulatedNanos(trueMonoNanos)) + steps;
    }

    /** How far this clock reads ahead of the truth right now. */
    public long aheadNanos() {
        return aheadAtNanos(truth.monoNanos());
    }

    /** This clock's frequency error (ppm) at true monotonic time {@code trueMonoNanos}. */
    public double frequencyPpmAt(long trueMonoNanos) {
        long elapsed = Math.max(0, trueMonoNanos - originMonoNanos);
        int k = (int) (elapsed / GRID_NANOS);
        ensureGrid(k);
        return frequencyPpm[k];
    }

    @Override
    public long wallNanos() {
        return truth.wallNanos() + aheadNanos();
    }

    @Override
    public long monoNanos() {
        long m = truth.monoNanos();
        // Monotonic time runs at the drifted rate but ignores steps.
        return m + Math.round(driftAccumulatedNanos(m));
    }

    private double driftAccumulatedNanos(long trueMonoNanos) {
        long elapsed = trueMonoNanos - originMonoNanos;
        if (elapsed <= 0) {
            return frequencyPpm[0] * 1e-6 * elapsed;
        }
        int k = (int) (elapsed / GRID_NANOS);
        ensureGrid(k);
        long into = elapsed - (long) k * GRID_NANOS;
        return accumulatedNanos[k] + frequencyPpm[k] * 1e-6 * into;
    }

    private void ensureGrid(int k) {
        if (k < gridCount) {
            return;
        }
        if (k >= frequencyPpm.length) {
            int size = Math.max(k + 1, frequencyPpm.length * 2);
            frequencyPpm = Arrays.copyOf(frequencyPpm, size);
            accumulatedNanos = Arrays.copyOf(accumulatedNanos, size);
        }
        for (int i = gridCount; i <= k; i++) {
            accumulatedNanos[i] = accumulatedNanos[i - 1] + frequencyPpm[i - 1] * 1e-6 * GRID_NANOS;
            double walk = wanderPpmPerSqrtSecond == 0 ? 0 : wanderPpmPerSqrtSecond * random.nextGaussian();
            frequencyPpm[i] = frequencyPpm[i - 1] + walk + deterministicPpm(i) - deterministicPpm(i - 1);
        }
        gridCount = k + 1;
    }
}
