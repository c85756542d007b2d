package io.lockstep.bench;

import io.lockstep.protocol.Stats;

/**
 * Reply latencies of one load-generator run, every one of them, in a fixed-size log-linear
 * histogram: exact below 1,024 ns, then 1,024 buckets per power of two (a bucket is at most
 * 0.1 % of its value wide), so percentiles of a round of any length cost 512 KiB and no
 * sorting. Not thread-safe: each generator thread records into its own recorder and the
 * results are {@linkplain #addAll merged} afterwards.
 */
final class LatencyRecorder {

    private static final int SUB_BITS = 10;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;

    private final long[] counts = new long[64 * SUB_BUCKETS];
    private long count;

    /** Records one latency (negative values count as 0). */
    void add(long latencyNanos) {
        counts[index(Math.max(0, latencyNanos))]++;
        count++;
    }

    /** Adds every latency {@code other} recorded. */
    void addAll(LatencyRecorder other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
    }

    /** Number of latencies recorded. */
    long count() {
        return count;
    }

    /**
     * The {@code q} (0–1) percentile of the recorded latencies by the project's one definition
     * ({@link Stats#percentile(long, double, java.util.function.LongToDoubleFunction)}), each
     * latency read as the middle of its bucket; 0 when there are none.
     */
    long percentileNanos(double q) {
        if (count == 0) {
            return 0;
        }
        // Ranks are looked up in increasing order, so one cursor walks the buckets once.
        long[] cursor = {0, 0}; // bucket index, ranks below it
        return Math.round(Stats.percentile(count, q, rank -> {
            while (cursor[1] + counts[(int) cursor[0]] <= rank) {
                cursor[1] += counts[(int) cursor[0]];
                cursor[0]++;
            }
            return middleNanos((int) cursor[0]);
        }));
    }

    /** Bucket of {@code v}: {@code v} itself below 2^10, else shift so 10 significant bits remain. */
    private static int index(long v) {
        int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(v) - SUB_BITS);
        return shift * SUB_BUCKETS + (int) (v >>> shift);
    }

    private static double middleNanos(int index) {
        if (index < 2 * SUB_BUCKETS) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        long low = (long) (index - shift * SUB_BUCKETS) << shift;
        return low + ((1L << shift) - 1) / 2.0;
    }
}
