package io.lockstep.time;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The host's clock with sub-microsecond wall-time granularity: a wall-clock anchor read once,
 * plus {@link System#nanoTime()} deltas from that anchor. Thread-safe and lock-free: the anchor
 * is an immutable object behind a volatile field.
 *
 * <p>Why not {@link Instant#now()} on every read: on many platforms it is only microsecond
 * granular and costs more than {@code nanoTime()}. Why re-anchor: the operating system's wall
 * clock can be stepped (by an administrator, by chrony or ntpd) or slewed, while
 * {@code nanoTime()} keeps running at its own rate. So at most every
 * {@link #DEFAULT_CHECK_INTERVAL_NANOS} of monotonic time a read compares the anchored
 * prediction with the operating system's wall clock, and re-anchors when they differ by more
 * than {@link #DEFAULT_REANCHOR_THRESHOLD_NANOS}. A step is therefore visible at most one check
 * interval after it happened; slews smaller than the threshold are absorbed.
 */
public final class SystemTimeSource implements TimeSource {

    /** How often (monotonic ns) a read compares the prediction with the OS wall clock. */
    public static final long DEFAULT_CHECK_INTERVAL_NANOS = 100_000_000L;

    /**
     * Prediction error (ns) above which the anchor is re-read from the OS wall clock. Small,
     * because an anchor read from a tight bracket is accurate to well under a microsecond, and
     * an error below this threshold is never corrected (it would bias every NTP timestamp).
     */
    public static final long DEFAULT_REANCHOR_THRESHOLD_NANOS = 2_000L;

    /** Bracketed reads per anchor; the tightest one is kept. */
    private static final int ANCHOR_READS = 16;

    private static final SystemTimeSource SHARED = new SystemTimeSource(
            SystemTimeSource::osWallNanos, System::nanoTime,
            DEFAULT_CHECK_INTERVAL_NANOS, DEFAULT_REANCHOR_THRESHOLD_NANOS);

    /** Immutable pairing of a wall reading with the monotonic reading taken at the same moment. */
    private record Anchor(long wallNanos, long monoNanos, long nextCheckMonoNanos) {
    }

    private final LongSupplier osWallNanos;
    private final LongSupplier osMonoNanos;
    private final long checkIntervalNanos;
    private final long reanchorThresholdNanos;
    private volatile Anchor anchor;
    private volatile long reanchorCount;

    /**
     * A source over explicit clock readers; tests use this to simulate wall-clock steps.
     *
     * @param osWallNanos reads the operating system's wall clock (UTC ns)
     * @param osMonoNanos reads a monotonic clock (ns)
     * @param checkIntervalNanos how often, in monotonic ns, reads check for steps
     * @param reanchorThresholdNanos prediction error that triggers a re-anchor
     */
    public SystemTimeSource(LongSupplier osWallNanos, LongSupplier osMonoNanos,
                            long checkIntervalNanos, long reanchorThresholdNanos) {
        this.osWallNanos = osWallNanos;
        this.osMonoNanos = osMonoNanos;
        this.checkIntervalNanos = checkIntervalNanos;
        this.reanchorThresholdNanos = reanchorThresholdNanos;
        this.anchor = readAnchor();
    }

    static SystemTimeSource shared() {
        return SHARED;
    }

    @Override
    public long wallNanos() {
        long mono = osMonoNanos.getAsLong();
        Anchor a = anchor;
        if (mono - a.nextCheckMonoNanos >= 0) {
            a = recheck(a);
            mono = osMonoNanos.getAsLong();
        }
        return a.wallNanos + (mono - a.monoNanos);
    }

    @Override
    public long monoNanos() {
        return osMonoNanos.getAsLong();
    }

    /** How many times the anchor has been re-read because the OS wall clock moved. */
    public long reanchorCount() {
        return reanchorCount;
    }

    private Anchor recheck(Anchor current) {
        Anchor fresh = readAnchor();
        long predicted = current.wallNanos + (fresh.monoNanos - current.monoNanos);
        long errorNanos = fresh.wallNanos - predicted;
        Anchor next;
        if (Math.abs(errorNanos) > reanchorThresholdNanos) {
            next = fresh;
            reanchorCount++;
        } else {
            // Keep the old anchor (its sub-microsecond phase is better than a fresh coarse read)
            // and only push the next check out.
            next = new Anchor(current.wallNanos, current.monoNanos, fresh.nextCheckMonoNanos);
        }
        // Racing readers may both re-check; either result is a valid anchor, so last write wins.
        anchor = next;
        return next;
    }

    private Anchor readAnchor() {
        // Bracket the wall read between two monotonic reads and pair it with their midpoint, so
        // the anchor's error is at most half the bracket. Take the tightest of several brackets:
        // a single one can be wide (the first reads of a JVM run interpreted and cold, or the
        // thread is preempted), and an anchor off by tens of microseconds stays off until the
        // next re-anchor.
        Anchor best = null;
        long bestBracket = Long.MAX_VALUE;
        for (int i = 0; i < ANCHOR_READS; i++) {
            long before = osMonoNanos.getAsLong();
            long wall = osWallNanos.getAsLong();
            long after = osMonoNanos.getAsLong();
            if (after - before < bestBracket) {
                bestBracket = after - before;
                long mono = before + (after - before) / 2;
                best = new Anchor(wall, mono, mono + checkIntervalNanos);
            }
        }
        return best;
    }

    private static long osWallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
