package io.lockstep.track;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SyncedClock;
import io.lockstep.measure.BurstProbe;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;

/**
 * The one tracking pipeline: a probe to the reference (condensed into bursts where the protocol
 * asks), a {@link ClockTracker} feeding a {@link SyncedClock}, paced by a {@link TrackingLoop}.
 * {@code lockstep track}, the tracking benchmark and {@code Lockstep.track(...)} all assemble
 * tracking here, so they track alike. Run it in the foreground with {@link #run}, or in the
 * background with {@link #start}; {@link #close()} stops it and closes the probe.
 *
 * <p>Thread-safe for readers: {@link #clock()}, {@link #read()} and the counters may be called
 * from any thread while one thread (the caller of {@code run}, or the background thread) samples.
 */
public final class Tracker implements AutoCloseable {

    private final Target target;
    private final TrackingOptions options;
    private final TimeProbe probe;
    private final ClockTracker tracker;
    private volatile Thread background;
    private volatile IOException failure;
    private volatile boolean closed;

    private Tracker(Target target, TimeProbe probe, TrackingOptions options) {
        this.target = target;
        this.options = options;
        int exchanges = options.effectiveExchangesPerSample(target.protocol());
        this.probe = exchanges == 1 ? probe : new BurstProbe(probe, exchanges);
        this.tracker = new ClockTracker(this.probe, options.local(), options.intervalNanos(), options.segmentBase());
    }

    /**
     * Opens a probe to {@code target} through its protocol; the tracker is ready to
     * {@link #run} or {@link #start}.
     *
     * @throws IllegalArgumentException when the options do not suit the target's protocol
     * @throws IOException              when the target cannot be reached
     */
    public static Tracker open(Target target, TrackingOptions options) throws IOException {
        options.checkFor(target.protocol());
        TimeProbe probe = target.protocol().open(target, options.local(), options.effectiveTimeoutNanos());
        return new Tracker(target, probe, options);
    }

    /**
     * A tracker over a probe the caller opened (a simulated link, say); the tracker owns it.
     * The burst rule is that of {@code target}'s protocol, as for {@link #open}.
     */
    public static Tracker over(Target target, TimeProbe probe, TrackingOptions options) {
        options.checkFor(target.protocol());
        return new Tracker(target, probe, options);
    }

    /** What is tracked. */
    public Target target() {
        return target;
    }

    /** The options in effect. */
    public TrackingOptions options() {
        return options;
    }

    /** The clock this tracker keeps up to date. */
    public SyncedClock clock() {
        return tracker.clock();
    }

    /** One consistent reading of the clock now; see {@link SyncedClock#read()}. */
    public ClockReading read() {
        return tracker.clock().read();
    }

    /** The sampling interval in effect (longer than asked after the reference said to slow down). */
    public long intervalNanos() {
        return tracker.intervalNanos();
    }

    /** Exchanges that produced a sample so far. */
    public long samples() {
        return tracker.samples();
    }

    /** Exchanges that failed and were counted as dropped. */
    public long dropped() {
        return tracker.dropped();
    }

    /** Why the latest exchange failed, or null when it succeeded. */
    public String lastFailure() {
        return tracker.lastFailure();
    }

    /**
     * Tracks on the calling thread until {@code durationNanos} have passed or
     * {@code maxExchanges} were made (either ≤ 0 for no limit), or the thread is interrupted.
     *
     * @param pacer    how to wait between exchanges (null: sleep on the local clock)
     * @param listener receives every record as it is made
     * @return the number of exchanges attempted
     * @throws IOException when the probe failed before the reference ever answered, or the listener failed
     */
    public long run(long durationNanos, long maxExchanges, TrackingLoop.Pacer pacer, TrackingLoop.Listener listener)
            throws IOException {
        TrackingLoop loop = new TrackingLoop(tracker, options.local(),
                pacer != null ? pacer : TrackingLoop.Pacer.sleeping(options.local()));
        return loop.run(durationNanos, maxExchanges, listener);
    }

    /**
     * Starts tracking on a daemon thread until {@link #close()}.
     *
     * @param listener receives every record on the tracking thread (keep it quick)
     * @return this tracker
     * @throws IllegalStateException when already started or closed
     */
    public synchronized Tracker start(TrackingLoop.Listener listener) {
        if (background != null || closed) {
            throw new IllegalStateException("tracker already started or closed");
        }
        Thread t = new Thread(() -> {
            try {
                run(0, 0, null, listener);
            } catch (IOException e) {
                failure = e;
            }
        }, "lockstep-track " + target);
        t.setDaemon(true);
        background = t;
        t.start();
        return this;
    }

    /** Starts tracking on a daemon thread, without a listener. */
    public Tracker start() {
        return start(r -> { });
    }

    /** {@link #awaitSynced(long)} with a {@link java.time.Duration}. */
    public ClockReading awaitSynced(java.time.Duration timeout) throws TimeoutException, InterruptedException {
        return awaitSynced(timeout.toNanos());
    }

    /**
     * Waits until the clock is {@link ClockState#SYNCED} (offset and drift known) and returns a
     * reading from that moment.
     *
     * @throws TimeoutException     when it is not synced within {@code timeoutNanos}
     * @throws UncheckedIOException when background tracking stopped with an error
     * @throws InterruptedException when interrupted while waiting
     */
    public ClockReading awaitSynced(long timeoutNanos) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            IOException e = failure;
            if (e != null) {
                throw new UncheckedIOException("tracking " + target + " stopped: " + e.getMessage(), e);
            }
            if (tracker.clock().state() == ClockState.SYNCED) {
                ClockReading r = tracker.clock().read();
                if (r.state() == ClockState.SYNCED) {
                    return r;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new TimeoutException(target + " not synced within " + io.lockstep.time.Durations.format(timeoutNanos)
                        + " (state " + tracker.clock().state() + ", " + tracker.samples() + " samples, "
                        + tracker.dropped() + " dropped" + (tracker.lastFailure() == null ? ""
                        : ", last failure: " + tracker.lastFailure()) + ")");
            }
            Thread.sleep(10);
        }
    }

    /** Stops background tracking (if running) and closes the probe. */
    @Override
    public void close() throws IOException {
        Thread t;
        synchronized (this) {
            closed = true;
            t = background;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        probe.close();
    }
}
