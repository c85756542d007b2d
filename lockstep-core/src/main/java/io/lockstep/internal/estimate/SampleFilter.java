package io.lockstep.internal.estimate;

import java.util.Arrays;

import io.lockstep.protocol.TimeSample;

/**
 * Minimum-delay sample filtering that adapts to the delay distribution it observes. Queueing
 * only ever adds delay, and a sample whose round trip exceeds the path's minimum by {@code e}
 * can be off by up to {@code e/2}; so the filter keeps the round trips of recent exchanges,
 * rejects samples slower than their median, and weights the rest by {@code 1/(σ₀² + e²/12)}:
 * given its excess, a sample's error is spread evenly over {@code ±e/2}. The floor σ₀ is the
 * same spread for the fastest two percent of exchanges (or the remote's quantisation, whichever
 * is larger), since even the fastest exchange seen so far waited a little. On a quiet wired
 * link almost everything passes with similar weight; on busy Wi-Fi the lucky fast exchanges
 * carry the fit.
 * Not thread-safe.
 */
public final class SampleFilter {

    private static final double SQRT12 = Math.sqrt(12);

    private final long[] history;
    private final long[] sorted;
    private int count;
    private int next;

    /** A filter over the last {@code historySize} round trips (at least 8). */
    public SampleFilter(int historySize) {
        if (historySize < 8) {
            throw new IllegalArgumentException("history must hold at least 8 round trips");
        }
        history = new long[historySize];
        sorted = new long[historySize];
    }

    /** A filter over the last 256 round trips. */
    public SampleFilter() {
        this(256);
    }

    /**
     * Records the sample's round trip and returns its weight (inverse variance, 1/ns²), or 0
     * when it is too slow to use.
     */
    public double offer(TimeSample sample) {
        return offer(sample.roundTripNanos(), sample.remoteResolutionNanos());
    }

    /** As {@link #offer(TimeSample)} for an exchange known only by its round trip and resolution (a log row). */
    public double offer(long roundTripNanos, long resolutionNanos) {
        long rtt = Math.max(0, roundTripNanos);
        history[next] = rtt;
        next = (next + 1) % history.length;
        count = Math.min(count + 1, history.length);
        System.arraycopy(history, 0, sorted, 0, count);
        Arrays.sort(sorted, 0, count);
        long median = sorted[(count - 1) / 2];
        if (rtt > median) {
            return 0;
        }
        double sigma = sigmaNanos(rtt, resolutionNanos);
        return 1.0 / (sigma * sigma);
    }

    /**
     * The standard uncertainty (ns) this filter assigns to a sample with round trip
     * {@code rttNanos}, given the history seen so far.
     */
    public double sigmaNanos(long rttNanos, long resolutionNanos) {
        return sigmaNanos(rttNanos, resolutionNanos, count == 0 ? rttNanos : sorted[0]);
    }

    /**
     * As {@link #sigmaNanos(long, long)}, but measuring the excess delay from
     * {@code minRoundTripNanos} (e.g. the fastest exchange of a whole window), so that weights
     * given before the path's true minimum was seen can be corrected later.
     */
    public double sigmaNanos(long rttNanos, long resolutionNanos, long minRoundTripNanos) {
        if (count < 10) {
            // Too little history to know the path's floor: fall back on the causality bound.
            return Math.max(Math.max(rttNanos / 2.0, resolutionNanos / Math.sqrt(12)), 1);
        }
        // The spread among the fastest exchanges (the 2nd percentile's excess over the minimum),
        // measured against at least the second fastest: below 51 samples the 2nd percentile is
        // the minimum itself, a spread of zero, which weighted the fastest exchange as exact to
        // 1 ns and collapsed the slope's uncertainty of short logs to thousandths of a ppm.
        long fastest = sorted[Math.max(1, (count - 1) / 50)];
        double floor = Math.max(Math.max((fastest - sorted[0]) / SQRT12, resolutionNanos / SQRT12), 1);
        double excess = Math.max(0, rttNanos - Math.min(minRoundTripNanos, sorted[0])) / SQRT12;
        return Math.sqrt(floor * floor + excess * excess);
    }

    /** The smallest round trip in the history (ns), or {@link Long#MAX_VALUE} before any. */
    public long minRoundTripNanos() {
        return count == 0 ? Long.MAX_VALUE : sorted[0];
    }
}
