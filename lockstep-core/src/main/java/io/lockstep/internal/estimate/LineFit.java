package io.lockstep.internal.estimate;

/**
 * A straight line fitted to offsets against local time: the offset at an anchor instant, its
 * slope in ppm, and the standard uncertainties of both. The anchor is the weighted centre of
 * the data, where offset and slope are uncorrelated, so the uncertainty at any other instant
 * is simply {@code √(σ_offset² + (Δt·σ_slope)²)}. Immutable.
 *
 * @param anchorLocalNanos local wall time the offset refers to
 * @param offsetNanos      fitted {@code local − remote} at the anchor
 * @param slopePpm         rate of change of the offset, ppm (ns per ms)
 * @param offsetSigmaNanos standard uncertainty of the offset at the anchor
 * @param slopeSigmaPpm    standard uncertainty of the slope ({@code +∞} when it could not be fitted)
 * @param samples          number of samples with non-zero weight
 * @param firstLocalNanos  local time of the earliest sample used
 * @param lastLocalNanos   local time of the latest sample used
 */
public record LineFit(long anchorLocalNanos, double offsetNanos, double slopePpm, double offsetSigmaNanos,
                      double slopeSigmaPpm, int samples, long firstLocalNanos, long lastLocalNanos) {

    /** Fitted offset at local time {@code localNanos}. */
    public double offsetAt(long localNanos) {
        return offsetNanos + slopePpm * 1e-6 * (localNanos - anchorLocalNanos);
    }

    /** Standard uncertainty of {@link #offsetAt(long)}. */
    public double sigmaAt(long localNanos) {
        double dt = (localNanos - anchorLocalNanos) * 1e-6;
        double slopePart = Double.isInfinite(slopeSigmaPpm) ? 0 : dt * slopeSigmaPpm;
        return Math.sqrt(offsetSigmaNanos * offsetSigmaNanos + slopePart * slopePart);
    }
}
