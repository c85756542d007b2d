package io.lockstep.internal.estimate;

/**
 * Weighted least-squares lines through offsets against local time, plain and robust (Huber
 * weights by iterative reweighting), and with a slope fixed from elsewhere. Weights are a
 * priori inverse variances ({@code 1/σ²}, σ in ns). The observed scatter (reduced χ²) may
 * widen the reported uncertainties but never narrow them: quantised stamps (Time Echo's 1 ms)
 * give staircase data that scatters far less than its real error within one stair.
 * Stateless and thread-safe; callers pass arrays and a range.
 */
public final class OffsetRegression {

    /** Huber's tuning constant: 95 % efficiency on Gaussian noise. */
    public static final double HUBER_K = 1.345;

    private OffsetRegression() {
    }

    /**
     * Fits {@code y = offset + slope·(x − anchor)} over {@code [from, to)}.
     *
     * @param xNanos local times
     * @param yNanos offsets {@code local − remote}
     * @param weight inverse variances; zero excludes a sample
     * @return the fit, or null when fewer than one sample has weight
     */
    public static LineFit fit(long[] xNanos, long[] yNanos, double[] weight, int from, int to) {
        return fitScaled(xNanos, yNanos, weight, null, from, to);
    }

    /**
     * A robust fit: samples whose residual exceeds {@link #HUBER_K} robust standard deviations
     * are down-weighted in proportion, so a few wild offsets cannot drag the line.
     */
    public static LineFit fitRobust(long[] xNanos, long[] yNanos, double[] weight, int from, int to) {
        int n = to - from;
        double[] huber = new double[n];
        java.util.Arrays.fill(huber, 1.0);
        LineFit fit = fitScaled(xNanos, yNanos, weight, huber, from, to);
        double[] scaled = new double[n];
        for (int iteration = 0; iteration < 6 && fit != null && fit.samples() > 2; iteration++) {
            int m = 0;
            for (int i = from; i < to; i++) {
                if (weight[i] > 0) {
                    scaled[m++] = Math.abs(yNanos[i] - fit.offsetAt(xNanos[i])) * Math.sqrt(weight[i]);
                }
            }
            double scale = 1.4826 * median(scaled, m);
            if (!(scale > 0)) {
                break;
            }
            for (int i = from; i < to; i++) {
                double r = Math.abs(yNanos[i] - fit.offsetAt(xNanos[i])) * Math.sqrt(weight[i]) / scale;
                huber[i - from] = r <= HUBER_K ? 1.0 : HUBER_K / r;
            }
            fit = fitScaled(xNanos, yNanos, weight, huber, from, to);
        }
        return fit;
    }

    /** Fits only the offset, with the slope fixed (e.g. carried over a step from the previous segment). */
    public static LineFit fitWithSlope(long[] xNanos, long[] yNanos, double[] weight, int from, int to,
                                       double slopePpm, double slopeSigmaPpm) {
        double sw = 0;
        double sx = 0;
        int n = 0;
        long x0 = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            if (weight[i] > 0) {
                if (n == 0) {
                    x0 = xNanos[i];
                }
                sw += weight[i];
                sx += weight[i] * (xNanos[i] - x0);
                first = Math.min(first, xNanos[i]);
                last = Math.max(last, xNanos[i]);
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        long anchor = x0 + Math.round(sx / sw);
        double sy = 0;
        for (int i = from; i < to; i++) {
            if (weight[i] > 0) {
                sy += weight[i] * (yNanos[i] - slopePpm * 1e-6 * (xNanos[i] - anchor) - yNanos[from]);
            }
        }
        double offset = yNanos[from] + sy / sw;
        double chi2 = 0;
        for (int i = from; i < to; i++) {
            if (weight[i] > 0) {
                double r = yNanos[i] - offset - slopePpm * 1e-6 * (xNanos[i] - anchor);
                chi2 += weight[i] * r * r;
            }
        }
        double scale = n > 1 ? Math.max(1.0, chi2 / (n - 1)) : 1.0;
        return new LineFit(anchor, offset, slopePpm, Math.sqrt(scale / sw), slopeSigmaPpm, n, first, last);
    }

    private static LineFit fitScaled(long[] xNanos, long[] yNanos, double[] weight, double[] extra, int from,
                                     int to) {
        // Work relative to the first sample in seconds so sums stay well-conditioned.
        long x0 = 0;
        long y0 = 0;
        boolean found = false;
        double sw = 0;
        double sx = 0;
        double sy = 0;
        int n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            double w = w(weight, extra, i, from);
            if (w <= 0) {
                continue;
            }
            if (!found) {
                x0 = xNanos[i];
                y0 = yNanos[i];
                found = true;
            }
            sw += w;
            sx += w * (xNanos[i] - x0) * 1e-9;
            sy += w * (yNanos[i] - y0);
            first = Math.min(first, xNanos[i]);
            last = Math.max(last, xNanos[i]);
            n++;
        }
        if (n == 0) {
            return null;
        }
        double mx = sx / sw;
        double my = sy / sw;
        double sxx = 0;
        double sxy = 0;
        for (int i = from; i < to; i++) {
            double w = w(weight, extra, i, from);
            if (w <= 0) {
                continue;
            }
            double dx = (xNanos[i] - x0) * 1e-9 - mx;
            sxx += w * dx * dx;
            sxy += w * dx * (yNanos[i] - y0 - my);
        }
        long anchor = x0 + Math.round(mx * 1e9);
        if (n < 3 || sxx <= 0) {
            // Too few points for a slope with an uncertainty; report the mean and no slope.
            return new LineFit(anchor, y0 + my, 0, Math.sqrt(1 / sw), Double.POSITIVE_INFINITY, n, first, last);
        }
        double slopeNanosPerSecond = sxy / sxx;
        double chi2 = 0;
        for (int i = from; i < to; i++) {
            double w = w(weight, extra, i, from);
            if (w <= 0) {
                continue;
            }
            double r = yNanos[i] - y0 - my - slopeNanosPerSecond * ((xNanos[i] - x0) * 1e-9 - mx);
            chi2 += w * r * r;
        }
        double scale = Math.max(1.0, chi2 / (n - 2));
        double offsetSigma = Math.sqrt(scale / sw);
        double slopeSigmaNanosPerSecond = Math.sqrt(scale / sxx);
        // ns per s is 1e-9 s/s, i.e. 1e-3 ppm.
        return new LineFit(anchor, y0 + my, slopeNanosPerSecond * 1e-3, offsetSigma, slopeSigmaNanosPerSecond * 1e-3,
                n, first, last);
    }

    private static double w(double[] weight, double[] extra, int i, int from) {
        return extra == null ? weight[i] : weight[i] * extra[i - from];
    }

    private static double median(double[] values, int n) {
        if (n == 0) {
            return 0;
        }
        double[] copy = java.util.Arrays.copyOf(values, n);
        java.util.Arrays.sort(copy);
        return n % 2 == 1 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
    }
}
