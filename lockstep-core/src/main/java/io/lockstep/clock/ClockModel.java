package io.lockstep.clock;

/**
 * What the tracker believes about a remote clock at one moment: offset ({@code local − remote})
 * at an anchor instant, how fast the remote clock runs relative to the local one (drift, ppm,
 * positive when the remote runs fast: the one meaning of drift in Lockstep's API, CLI, log and
 * JSON), their uncertainties, and the bound the truth lies within at any instant. Immutable; a
 * new model replaces the old one after each accepted sample (or a widened copy, after an
 * exchange that proves the bound too narrow), so readers on other threads can share it freely.
 *
 * <p>The error bound at local time {@code t} is the sum of
 * <ul>
 *   <li>half the best round trip in the window plus half the remote's resolution: a path
 *       asymmetry can bias every two-way sample by up to that much, and no estimator can see it;</li>
 *   <li>three standard uncertainties of the fitted line at {@code t}, which grow with the
 *       distance from the data as {@code |t − anchor| × σ_drift}, and with frequency wander: a
 *       random walk of rate {@code q} (ppm²/s) adds {@code q·|t − anchor|³/3} to the offset's
 *       variance (the fitted drift is the frequency near the anchor). The tracker measures an upper limit of {@code q} from how
 *       much the drift of successive blocks of samples differs (holdover).</li>
 * </ul>
 * Before a drift could be fitted, the drift is taken as 0 with an uncertainty of
 * {@value #UNKNOWN_DRIFT_SIGMA_PPM} ppm: two consumer crystals within their ±50 ppm tolerance.
 *
 * @param anchorLocalNanos     local wall time the offset refers to
 * @param offsetNanos          {@code local − remote} at the anchor
 * @param remoteDriftPpm       how fast the remote clock runs relative to the local one, in ppm:
 *                             positive when the remote runs fast (the sign of
 *                             {@code serve --simulate-drift}); the offset ({@code local − remote})
 *                             then falls at this rate, see {@link #offsetAtNanos(long)}
 * @param offsetSigmaNanos     standard uncertainty of the offset at the anchor
 * @param driftSigmaPpm        standard uncertainty of the drift
 * @param asymmetryBoundNanos  half the best round trip in the window plus half the resolution
 * @param lastSampleLocalNanos local time of the newest sample in the model
 * @param samples              samples in the window
 * @param firstSampleLocalNanos local time of the oldest sample in the window
 * @param segment              segment number; increments at each detected step
 * @param driftKnown           true once the drift was fitted from enough samples
 * @param wanderPpm2PerSecond  upper limit of the frequency random walk's rate {@code q} (ppm² per
 *                             second) seen in the data; 0 before it could be measured
 */
public record ClockModel(long anchorLocalNanos, double offsetNanos, double remoteDriftPpm, double offsetSigmaNanos,
                         double driftSigmaPpm, long asymmetryBoundNanos, long lastSampleLocalNanos, int samples,
                         long firstSampleLocalNanos, int segment, boolean driftKnown, double wanderPpm2PerSecond) {

    /** A model without a wander measurement. */
    public ClockModel(long anchorLocalNanos, double offsetNanos, double remoteDriftPpm, double offsetSigmaNanos,
                      double driftSigmaPpm, long asymmetryBoundNanos, long lastSampleLocalNanos, int samples,
                      long firstSampleLocalNanos, int segment, boolean driftKnown) {
        this(anchorLocalNanos, offsetNanos, remoteDriftPpm, offsetSigmaNanos, driftSigmaPpm, asymmetryBoundNanos,
                lastSampleLocalNanos, samples, firstSampleLocalNanos, segment, driftKnown, 0);
    }

    /** Drift uncertainty assumed before any was fitted (ppm). */
    public static final double UNKNOWN_DRIFT_SIGMA_PPM = 100;

    /** How many standard uncertainties the bound spans. */
    public static final double SIGMAS = 3;

    public ClockModel {
        // An unknown drift of 0 arrives as −0 when negated from a fitted slope; it should print as 0.
        remoteDriftPpm = 0.0 + remoteDriftPpm;
    }

    /** The same model with its bound widened by {@code extraNanos} everywhere. */
    public ClockModel withExtraBoundNanos(long extraNanos) {
        return new ClockModel(anchorLocalNanos, offsetNanos, remoteDriftPpm, offsetSigmaNanos, driftSigmaPpm,
                asymmetryBoundNanos + extraNanos, lastSampleLocalNanos, samples, firstSampleLocalNanos, segment,
                driftKnown, wanderPpm2PerSecond);
    }

    /** Offset {@code local − remote} predicted at local wall time {@code localNanos}. */
    public long offsetAtNanos(long localNanos) {
        // A remote running fast gains on the local clock, so local − remote falls: minus the drift.
        return Math.round(offsetNanos - remoteDriftPpm * 1e-6 * (localNanos - anchorLocalNanos));
    }

    /** Standard uncertainty of {@link #offsetAtNanos(long)} (ns), without the asymmetry bound. */
    public double sigmaAtNanos(long localNanos) {
        double drift = Double.isFinite(driftSigmaPpm) ? driftSigmaPpm : UNKNOWN_DRIFT_SIGMA_PPM;
        double fromDrift = drift * 1e-6 * (localNanos - anchorLocalNanos);
        // The fitted drift is the window's mean frequency, i.e. the frequency near the anchor, so
        // the wander is counted from there. q·age³/3 is in ppm²·s², i.e. µs²; ×1e6 makes it ns².
        double ageSeconds = Math.abs(localNanos - anchorLocalNanos) * 1e-9;
        double wander = wanderPpm2PerSecond * ageSeconds * ageSeconds * ageSeconds / 3 * 1e6;
        return Math.sqrt(offsetSigmaNanos * offsetSigmaNanos + fromDrift * fromDrift + wander);
    }

    /** The truth lies within {@code offsetAtNanos(t) ± errorBoundAtNanos(t)}. */
    public long errorBoundAtNanos(long localNanos) {
        return asymmetryBoundNanos + (long) Math.ceil(SIGMAS * sigmaAtNanos(localNanos));
    }

    /** Remote (reference) time corresponding to local wall time {@code localNanos}. */
    public long toRemoteNanos(long localNanos) {
        return localNanos - offsetAtNanos(localNanos);
    }

    /** Local wall time at which the remote (reference) clock reads {@code remoteNanos}. */
    public long toLocalNanos(long remoteNanos) {
        // local = remote + offset(local), and offset is linear in local: solve, then polish once.
        double rate = -remoteDriftPpm * 1e-6; // the offset's rate of change
        double local = (remoteNanos - anchorLocalNanos + offsetNanos) / (1 - rate) + anchorLocalNanos;
        long guess = Math.round(local);
        return remoteNanos + offsetAtNanos(guess);
    }

    /** How long before {@code localNanos} the newest sample was taken (ns). */
    public long ageNanos(long localNanos) {
        return localNanos - lastSampleLocalNanos;
    }
}
