package io.lockstep.estimate;

import java.util.Arrays;

/**
 * Mean, standard deviation and median of a set of values, in the units given: the summary that
 * the Pupil Labs real-time API reports for offsets and round trips. Immutable.
 *
 * @param mean   arithmetic mean
 * @param std    sample standard deviation (n − 1 in the denominator, as Python's
 *               {@code statistics.stdev} that the Pupil Labs client uses); 0 for one value
 * @param median median (mean of the two middle values for an even count)
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
        double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new Stats(mean, n > 1 ? Math.sqrt(sq / (n - 1)) : 0.0, median);
    }
}
