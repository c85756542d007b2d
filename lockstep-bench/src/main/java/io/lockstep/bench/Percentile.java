package io.lockstep.bench;

/**
 * Nearest-rank percentiles of sorted samples (the smallest value with at least {@code q} of the
 * samples at or below it), the one definition every benchmark table uses. Stateless and
 * thread-safe.
 */
final class Percentile {

    private Percentile() {
    }

    /** The {@code q} (0–1) percentile of {@code sorted[0, n)}, which must be sorted ascending. */
    static long of(long[] sorted, int n, double q) {
        return sorted[rank(n, q)];
    }

    /** As {@link #of(long[], int, double)} for doubles. */
    static double of(double[] sorted, int n, double q) {
        return sorted[rank(n, q)];
    }

    private static int rank(int n, double q) {
        if (n < 1) {
            throw new IllegalArgumentException("no samples");
        }
        return (int) Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
    }
}
