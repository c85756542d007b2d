package io.lockstep.time;

import java.time.Instant;
import java.util.function.LongSupplier;

import io.lockstep.internal.host.HostClock;

/**
 * The host's clock with sub-microsecond wall-time granularity: a wall-clock anchor plus
 * {@link System#nanoTime()} deltas from that anchor. Thread-safe and lock-free: the anchor is an
 * immutable object replaced by compare-and-set.
 *
 * <p>Why not {@link Instant#now()} on every read: on some platforms it is only microsecond
 * granular, and it costs about twice as much as {@code nanoTime()}. How the anchor is read: the
 * OS wall clock is read between two monotonic reads, several times, and the pairing with the
 * narrowest bracket wins (the first reads in a fresh JVM are slow and would pair the wall time
 * with the wrong monotonic instant by tens of microseconds). Why re-anchor: the OS wall clock
 * can be stepped (an administrator, chrony, ntpd) or slewed while {@code nanoTime()} runs at its
 * own rate. So at most every {@link #DEFAULT_CHECK_INTERVAL_NANOS} of monotonic time a read
 * compares the prediction with the OS wall clock and re-anchors when they differ by more than
 * {@link #DEFAULT_REANCHOR_THRESHOLD_NANOS} plus the comparison's own uncertainty. A step is
 * visible at most one check interval after it happened. At each check this source agrees with
 * the OS wall clock to within {@link #wallUncertaintyNanos()}; between checks a slewing OS
 * clock can move away by the slew rate times the interval (10 µs at 100 ppm), which a
 * disciplined clock in steady state (well under 1 ppm) never comes near.
 */
public final class SystemTimeSource implements TimeSource {

    /** How often (monotonic ns) a read compares the prediction with the OS wall clock. */
    public static final long DEFAULT_CHECK_INTERVAL_NANOS = 100_000_000L;

    /** Prediction error (ns) above which the anchor is re-read from the OS wall clock. */
    public static final long DEFAULT_REANCHOR_THRESHOLD_NANOS = 2_000L;

    /** Bracketed reads per anchor; the narrowest bracket is kept. */
    private static final int ANCHOR_TRIES = 16;

    private static final SystemTimeSource SHARED = new SystemTimeSource(
            HostClock::realtimeNanos, System::nanoTime,
            DEFAULT_CHECK_INTERVAL_NANOS, DEFAULT_REANCHOR_THRESHOLD_NANOS);

    /**
     * Immutable pairing of a wall reading with the monotonic instant it was taken at, and how
     * far off that pairing may be.
     */
    private record Anchor(long wallNanos, long monoNanos, long uncertaintyNanos, long nextCheckMonoNanos) {
    }

    private final LongSupplier osWallNanos;
    private final LongSupplier osMonoNanos;
    private final long checkIntervalNanos;
    private final long reanchorThresholdNanos;
    private final long osWallGranularityNanos;
    private final java.util.concurrent.atomic.AtomicReference<Anchor> anchor = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong reanchorCount = new java.util.concurrent.atomic.AtomicLong();

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
        this.osWallGranularityNanos = probeGranularity(osWallNanos);
        this.anchor.set(readAnchor());
    }

    static SystemTimeSource shared() {
        return SHARED;
    }

    @Override
    public long wallNanos() {
        long mono = osMonoNanos.getAsLong();
        Anchor a = anchor.get();
        if (mono - a.nextCheckMonoNanos >= 0) {
            // The re-check takes a microsecond or so; the reading still stands for the instant
            // this call began (timestamping paths depend on that), only seen through the new anchor.
            a = recheck(a);
        }
        return a.wallNanos + (mono - a.monoNanos);
    }

    @Override
    public long monoNanos() {
        return osMonoNanos.getAsLong();
    }

    /**
     * How far this source's wall time may be from the OS wall clock at a check: the anchor's
     * pairing error plus the re-anchor threshold (drift and slew up to that much are absorbed).
     */
    @Override
    public long wallUncertaintyNanos() {
        return anchor.get().uncertaintyNanos + reanchorThresholdNanos;
    }

    /** How many times the anchor has been re-read because the OS wall clock moved. */
    public long reanchorCount() {
        return reanchorCount.get();
    }

    private Anchor recheck(Anchor current) {
        Anchor fresh = readAnchor();
        long predicted = current.wallNanos + (fresh.monoNanos - current.monoNanos);
        long errorNanos = fresh.wallNanos - predicted;
        Anchor next;
        boolean reanchor = Math.abs(errorNanos) > reanchorThresholdNanos + fresh.uncertaintyNanos + current.uncertaintyNanos;
        if (reanchor) {
            next = fresh;
        } else {
            // Keep the old anchor (a fresh one is no better) and only push the next check out.
            next = new Anchor(current.wallNanos, current.monoNanos, current.uncertaintyNanos, fresh.nextCheckMonoNanos);
        }
        // Only replace the anchor this thread judged: if another reader re-checked meanwhile, its
        // result (possibly a re-anchor after a step) stands and this one is dropped.
        if (anchor.compareAndSet(current, next)) {
            if (reanchor) {
                reanchorCount.incrementAndGet();
            }
            return next;
        }
        return anchor.get();
    }

    private Anchor readAnchor() {
        long bestBracket = Long.MAX_VALUE;
        long bestWall = 0;
        long bestMono = 0;
        for (int i = 0; i < ANCHOR_TRIES; i++) {
            long before = osMonoNanos.getAsLong();
            long wall = osWallNanos.getAsLong();
            long after = osMonoNanos.getAsLong();
            long bracket = after - before;
            if (bracket < bestBracket) {
                bestBracket = bracket;
                bestWall = wall;
                bestMono = before + bracket / 2;
            }
        }
        long uncertainty = bestBracket / 2 + osWallGranularityNanos;
        return new Anchor(bestWall, bestMono, uncertainty, bestMono + checkIntervalNanos);
    }

    /** Detects a microsecond-granular OS clock (all readings multiples of 1000 ns). */
    private static long probeGranularity(LongSupplier wall) {
        for (int i = 0; i < 32; i++) {
            if (wall.getAsLong() % 1_000L != 0) {
                return 1;
            }
        }
        return 1_000L;
    }}
