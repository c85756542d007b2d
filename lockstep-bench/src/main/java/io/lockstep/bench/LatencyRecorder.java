package io.lockstep.bench;

import java.util.Arrays;

/**
 * Reply latencies of one load-generator run, summarised as percentiles. Not thread-safe: one
 * generator thread records into its own recorder.
 */
final class LatencyRecorder {

    private final long[] latenciesNanos = new long[1 << 20];
    private int count;

    /** Records one latency. */
    void add(long latencyNanos) {
        if (count < latenciesNanos.length) {
            latenciesNanos[count++] = latencyNanos;
        }
    }

    /** Number of latencies recorded. */
    long count() {
        return count;
    }

    /** The {@code q} (0–1) percentile of the recorded latencies, 0 when there are none. */
    long percentileNanos(double q) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latenciesNanos, count);
        Arrays.sort(sorted);
        return Percentile.of(sorted, count, q);
    }
}
