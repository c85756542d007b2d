package io.lockstep.internal.estimate;

/**
 * The line that fits most comfortably through the samples' causality intervals. Each exchange
 * proves that the true offset at its local time lay in {@code [t1 − t2 − resolution, t4 − t3]},
 * whatever the queues did; so the true line (while offset and drift are constant) passes
 * through every interval. Among the slopes, this picks the one that leaves the widest band of
 * feasible offsets, and the middle of that band. Only the fastest exchange in each direction
 * bounds the band, so the estimate sharpens as fast exchanges accumulate (for uniformly
 * distributed errors the extremes converge as {@code 1/n}, the mean only as {@code 1/√n}; not
 * benchmarked here), and quantised stamps (Time Echo's 1 ms) give hard edges instead of noise. Like every two-way method it assumes the base path is
 * symmetric. Stateless and thread-safe.
 *
 * <p>Only the upper convex hull of the intervals' lower ends and the lower hull of their upper
 * ends can bound the band, so after an {@code O(n)} hull pass (samples come in time order) the
 * search over slopes only visits hull vertices.
 */
public final class IntervalFit {

    /** Slopes are searched within this many ppm of the caller's guess. */
    private static final double SEARCH_PPM = 1000;

    private IntervalFit() {
    }

    /**
     * The result: offset at the anchor, slope, and the width of the feasible band there
     * (negative when no straight line passes through every interval).
     *
     * @param anchorLocalNanos local time the offset refers to
     * @param offsetNanos      middle of the feasible band at the anchor
     * @param slopePpm         slope leaving the widest band
     * @param slackNanos       width of that band; negative when the intervals contradict a line
     */
    public record Result(long anchorLocalNanos, double offsetNanos, double slopePpm, double slackNanos) {
    }

    /**
     * Fits over {@code [from, to)}; {@code xNanos} must not decrease.
     *
     * @param lowNanos   lower ends of the causality intervals (offsets)
     * @param highNanos  upper ends
     * @param anchorLocalNanos where to report the offset
     * @param slopeGuessPpm centre of the slope search (e.g. the least-squares slope)
     * @return the fit, or null for fewer than two samples
     */
    public static Result fit(long[] xNanos, long[] lowNanos, long[] highNanos, int from, int to,
                             long anchorLocalNanos, double slopeGuessPpm) {
        int n = to - from;
        if (n < 2) {
            return null;
        }
        long y0 = lowNanos[from];
        double[] lx = new double[n];
        double[] ly = new double[n];
        double[] hx = new double[n];
        double[] hy = new double[n];
        int nl = 0;
        int nh = 0;
        for (int i = from; i < to; i++) {
            double x = (xNanos[i] - anchorLocalNanos) * 1e-9;
            if (i > from && xNanos[i] < xNanos[i - 1]) {
                return null;
            }
            // Upper hull of the low ends: pop while the last turn is not clockwise.
            double y = lowNanos[i] - y0;
            while (nl >= 2 && cross(lx[nl - 2], ly[nl - 2], lx[nl - 1], ly[nl - 1], x, y) >= 0) {
                nl--;
            }
            lx[nl] = x;
            ly[nl] = y;
            nl++;
            // Lower hull of the high ends.
            y = highNanos[i] - y0;
            while (nh >= 2 && cross(hx[nh - 2], hy[nh - 2], hx[nh - 1], hy[nh - 1], x, y) <= 0) {
                nh--;
            }
            hx[nh] = x;
            hy[nh] = y;
            nh++;
        }
        // Slope in ns per s (1e-3 ppm); the band width is concave in it, so a ternary search finds the top.
        double lo = (slopeGuessPpm - SEARCH_PPM) * 1e3;
        double hi = (slopeGuessPpm + SEARCH_PPM) * 1e3;
        for (int iteration = 0; iteration < 100; iteration++) {
            double m1 = lo + (hi - lo) / 3;
            double m2 = hi - (hi - lo) / 3;
            if (width(m1, lx, ly, nl, hx, hy, nh) < width(m2, lx, ly, nl, hx, hy, nh)) {
                lo = m1;
            } else {
                hi = m2;
            }
        }
        double b = (lo + hi) / 2;
        double floor = max(b, lx, ly, nl);
        double ceiling = min(b, hx, hy, nh);
        return new Result(anchorLocalNanos, y0 + (floor + ceiling) / 2, b * 1e-3, ceiling - floor);
    }

    /**
     * The slopes (ppm) of all straight lines that pass through every interval
     * {@code [lowNanos[i], highNanos[i] + slackNanos]} over {@code [from, to)}: the drift the
     * intervals allow at all, whatever the noise. Null for fewer than two samples or when no line
     * passes (then widen the intervals).
     */
    public static double[] slopeRangePpm(long[] xNanos, long[] lowNanos, long[] highNanos, long slackNanos, int from,
                                         int to, double slopeGuessPpm) {
        int n = to - from;
        if (n < 2 || xNanos[to - 1] == xNanos[from]) {
            return null;
        }
        long x0 = xNanos[from];
        long y0 = lowNanos[from];
        // Only the upper hull of the low ends and the lower hull of the high ends can close the band.
        double[] lx = new double[n];
        double[] ly = new double[n];
        double[] hx = new double[n];
        double[] hy = new double[n];
        int nl = 0;
        int nh = 0;
        for (int i = from; i < to; i++) {
            if (i > from && xNanos[i] < xNanos[i - 1]) {
                return null;
            }
            double x = (xNanos[i] - x0) * 1e-9;
            double y = lowNanos[i] - y0;
            while (nl >= 2 && cross(lx[nl - 2], ly[nl - 2], lx[nl - 1], ly[nl - 1], x, y) >= 0) {
                nl--;
            }
            lx[nl] = x;
            ly[nl] = y;
            nl++;
            y = highNanos[i] + slackNanos - y0;
            while (nh >= 2 && cross(hx[nh - 2], hy[nh - 2], hx[nh - 1], hy[nh - 1], x, y) <= 0) {
                nh--;
            }
            hx[nh] = x;
            hy[nh] = y;
            nh++;
        }
        Hulls h = new Hulls(lx, ly, nl, hx, hy, nh);
        // Slopes in ns per s; the band width is concave in the slope, so find its top, then
        // bisect down each side to where it closes.
        double a = (slopeGuessPpm - SEARCH_PPM) * 1e3;
        double b = (slopeGuessPpm + SEARCH_PPM) * 1e3;
        for (int iteration = 0; iteration < 100; iteration++) {
            double m1 = a + (b - a) / 3;
            double m2 = b - (b - a) / 3;
            if (h.width(m1) < h.width(m2)) {
                a = m1;
            } else {
                b = m2;
            }
        }
        double top = (a + b) / 2;
        if (h.width(top) < 0) {
            return null;
        }
        double left = edge(h, top, (slopeGuessPpm - SEARCH_PPM) * 1e3);
        double right = edge(h, top, (slopeGuessPpm + SEARCH_PPM) * 1e3);
        return new double[] {Math.min(left, right) * 1e-3, Math.max(left, right) * 1e-3};
    }

    private record Hulls(double[] lx, double[] ly, int nl, double[] hx, double[] hy, int nh) {
        double width(double b) {
            return IntervalFit.width(b, lx, ly, nl, hx, hy, nh);
        }
    }

    /** The slope between {@code inside} (band open) and {@code outside} where the band closes. */
    private static double edge(Hulls h, double inside, double outside) {
        if (h.width(outside) >= 0) {
            return outside;
        }
        for (int iteration = 0; iteration < 60; iteration++) {
            double mid = (inside + outside) / 2;
            if (h.width(mid) >= 0) {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        return inside;
    }

    private static double width(double b, double[] lx, double[] ly, int nl, double[] hx, double[] hy, int nh) {
        return min(b, hx, hy, nh) - max(b, lx, ly, nl);
    }

    private static double max(double b, double[] x, double[] y, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, y[i] - b * x[i]);
        }
        return m;
    }

    private static double min(double b, double[] x, double[] y, int n) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.min(m, y[i] - b * x[i]);
        }
        return m;
    }

    private static double cross(double ax, double ay, double bx, double by, double cx, double cy) {
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    }
}
