package io.lockstep.internal;

import io.lockstep.time.TimeSource;

/**
 * Measures what a {@link TimeSource} read really costs and turns it into NTP's precision field:
 * the log2 of the smallest interval, in seconds, between two distinct readings a server can
 * stamp (RFC 5905 §7.3: "precision ... determined when the service first starts up as the
 * minimum time of several iterations to read the system clock"). Not API. Stateless and
 * thread-safe.
 */
public final class ClockPrecision {

    @SuppressWarnings("unused") // written only so the JIT cannot drop the timed clock reads
    private static volatile long blackhole;

    private static final int ROUNDS = 50;
    private static final int READS_PER_ROUND = 1000;

    private ClockPrecision() {
    }

    /**
     * The cost in ns of one wall-clock read of {@code source}, taken as the best of several
     * rounds so that a preemption in one round does not count, and never finer than the
     * source's stated resolution. Enough rounds (50,000 reads, a few ms) that the later ones run
     * compiled: the first reads of a JVM are interpreted and several times slower than a
     * server's reads will be.
     */
    public static double readCostNanos(TimeSource source) {
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < READS_PER_ROUND; i++) {
                sink += source.wallNanos();
            }
            long elapsed = System.nanoTime() - start;
            best = Math.min(best, (double) elapsed / READS_PER_ROUND);
        }
        blackhole = sink; // a volatile write keeps the reads from being optimised away
        return Math.max(best, source.wallResolutionNanos());
    }

    /** The NTP precision exponent for a read cost: the smallest p with 2^p s ≥ the cost, within −32..0. */
    public static int log2Seconds(double readCostNanos) {
        double seconds = Math.max(readCostNanos, 0.25) * 1e-9;
        int p = (int) Math.ceil(Math.log(seconds) / Math.log(2));
        return Math.max(-32, Math.min(0, p));
    }

    /**
     * The NTP precision exponent of {@code source}, measured now: the better of two measurements,
     * because the first one of a JVM often still runs partly interpreted.
     */
    public static int measureLog2Seconds(TimeSource source) {
        return log2Seconds(Math.min(readCostNanos(source), readCostNanos(source)));
    }

    /** 2^precision seconds in ns, rounded up. */
    public static long nanosOfLog2(int precisionLog2Seconds) {
        return (long) Math.ceil(Math.scalb(1e9, precisionLog2Seconds));
    }
}
