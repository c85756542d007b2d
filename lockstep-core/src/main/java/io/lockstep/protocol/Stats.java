package io.lockstep.protocol;

import java.util.Arrays;
import java.util.function.LongToDoubleFunction;

/**
 * Mean, standard deviation and median of a set of values, in the units given: the summary that
 * the Pupil Labs real-time API reports for offsets and round trips. Immutable.
 *
 * @param mean   arithmetic mean
 * @param std    sample standard deviation (n − 1 in the denominator, as Python's
 *               {@code statistics.stdev} that the Pupil Labs client uses); 0 for one value
 * @param median median (mean of the two middle values for an even count): {@link #percentile} at 0.5
 *
 * <p>{@link #percentile} is the one quantile definition of the project (tables, benchmarks,
 * tests): linear interpolation between the closest ranks, numpy's default, whose 0.5 is the
 * median of Python's {@code statistics.median}.
 */
public record Stats(double mean, double std, double median) {

    /** Summarises {@code values}; all NaN when empty. */
    public static Stats of(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        double sq = 0;
        for (double v : values) {
            sq += (v - mean) * (v - mean);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Stats(mean, n > 1 ? Math.sqrt(sq / (n - 1)) : 0.0, percentile(sorted, n, 0.5));
    }

    /** The {@code q} (0–1) quantile of {@code sorted[0, n)}, which must be sorted ascending. */
    public static double percentile(double[] sorted, int n, double q) {
        return percentile(n, q, rank -> sorted[(int) rank]);
    }

    /** As {@link #percentile(double[], int, double)} for longs. */
    public static double percentile(long[] sorted, int n, double q) {
        return percentile(n, q, rank -> sorted[(int) rank]);
    }

    /**
     * The {@code q} (0–1) quantile of {@code count} sorted values that {@code valueAtRank} gives
     * by rank (0 = smallest), for stores that are not arrays (histograms): the value at rank
     * {@code (count − 1)·q}, interpolated linearly between the two closest ranks.
     *
     * @throws IllegalArgumentException when {@code count < 1} or {@code q} is outside [0, 1]
     */
    public static double percentile(long count, double q, LongToDoubleFunction valueAtRank) {
        if (count < 1 || !(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("percentile " + q + " of " + count + " values");
        }
        double h = (count - 1) * q;
        long below = (long) Math.floor(h);
        double low = valueAtRank.applyAsDouble(below);
        return below + 1 >= count ? low : low + (h - below) * (valueAtRank.applyAsDouble(below + 1) - low);
    }
}
