package io.lockstep.internal.estimate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.protocol.TimeSample;

/**
 * Follows a remote clock's offset and drift from a stream of exchanges: the pure estimator
 * behind {@code SyncedClock} and {@code lockstep track}. Each sample goes through the
 * adaptive minimum-delay {@link SampleFilter}; survivors, and slow samples whose causality
 * interval excludes the model (a proof however slow), are checked against the current model
 * by the {@link StepDetector} (outliers are held back, confirmed steps start a new segment, and
 * meanwhile the published bound is widened to cover what they prove);
 * accepted samples join the segment's window, which a weighted {@link OffsetRegression} fits
 * and a {@link RunsTest} on the residual signs shortens whenever the straight line no longer
 * fits (the frequency wandered). Once the drift is known, the {@link IntervalFit} through the
 * same window's causality intervals sharpens the line (keeping the regression's
 * uncertainties, widened for a young window: see {@link #honestUncertainties}). After a step
 * the previous drift is carried over until the new segment has enough samples of its own,
 * unless the new segment's exchanges rule it out (the frequency changed, not just the time).
 * Not thread-safe: one thread feeds it; publish the
 * immutable {@link ClockModel} to readers.
 */
public final class OffsetTracker {

    /** Longest window, in samples (34 minutes at 1 Hz). */
    public static final int DEFAULT_MAX_WINDOW = 2048;

    /** Samples a segment needs before its own drift is trusted. */
    public static final int MIN_DRIFT_SAMPLES = 8;

    /** Smallest window the runs test may shrink to. */
    private static final int MIN_WINDOW = 16;

    private final int maxWindow;
    private final SampleFilter filter = new SampleFilter();
    private final StepDetector steps = new StepDetector(3);
    private final List<TimeSample> held = new ArrayList<>();

    private long[] x;
    private long[] y;
    private long[] rtt;
    private long[] low;
    private long[] high;
    private long[] narrowHigh;
    private long[] resolution;
    private double[] w;
    private double[] residual;
    private int start;
    private int end;

    private int segment;
    private int sinceBlock;
    private double previousBlockDriftPpm = Double.NaN;
    private long previousBlockCentreNanos;
    private double wanderSum;
    private long wanderPairs;
    private LineFit lastFit;
    private LineFit priorDrift;
    private ClockModel model;
    private long fittedAsymmetryBoundNanos;

    /** A tracker with the default window limit. */
    public OffsetTracker() {
        this(DEFAULT_MAX_WINDOW);
    }

    /** A tracker whose window holds at most {@code maxWindow} (≥ 16) samples. */
    public OffsetTracker(int maxWindow) {
        if (maxWindow < MIN_WINDOW) {
            throw new IllegalArgumentException("window must hold at least " + MIN_WINDOW + " samples");
        }
        this.maxWindow = maxWindow;
        int capacity = 2 * maxWindow;
        x = new long[capacity];
        y = new long[capacity];
        rtt = new long[capacity];
        low = new long[capacity];
        high = new long[capacity];
        narrowHigh = new long[capacity];
        resolution = new long[capacity];
        w = new double[capacity];
        residual = new double[capacity];
    }

    /**
     * Feeds one exchange and says what became of it. The model published afterwards never has a
     * bound that this exchange proves false: when its causality interval excludes the model's
     * prediction, the bound at its instant is widened to cover the whole interval first, and
     * whether that was a step or an outlier is decided by the exchanges that follow.
     */
    public SampleVerdict add(TimeSample sample) {
        // Every round trip teaches the filter about the path, whatever becomes of the sample.
        double weight = filter.offer(sample);
        if (model == null) {
            if (weight <= 0) {
                return SampleVerdict.DELAYED;
            }
            append(sample);
            refit();
            return SampleVerdict.ACCEPTED;
        }
        long local = sample.localMidNanos();
        long predicted = model.offsetAtNanos(local);
        double predictionSigma = model.sigmaAtNanos(local);
        SampleVerdict verdict;
        if (weight <= 0 && !StepDetector.excludesPrediction(predicted, predictionSigma, sample)) {
            // Too slow to sharpen the fit and admitting the model: no evidence either way.
            steps.unusable(predicted, sample);
            if (steps.pending() == 0) {
                held.clear();
            }
            verdict = SampleVerdict.DELAYED;
        } else {
            // A slow exchange that excludes the model is judged like a fast one: its causality
            // interval is a proof whatever its width, and a step must not wait for fast exchanges.
            double sampleSigma = weight > 0 ? 1 / Math.sqrt(weight) : Math.max(1, sample.roundTripNanos()) / 2.0;
            verdict = switch (steps.check(predicted, predictionSigma, sampleSigma, sample)) {
                case CONSISTENT -> {
                    held.clear();
                    append(sample);
                    refit();
                    yield SampleVerdict.ACCEPTED;
                }
                case OUTLIER -> {
                    if (steps.pending() <= 1) {
                        // pending 0: a statistical outlier, never part of a step; 1: a new run begins.
                        held.clear();
                    }
                    if (steps.pending() >= 1) {
                        held.add(sample);
                    }
                    yield SampleVerdict.OUTLIER;
                }
                case STEP -> {
                    startSegment();
                    for (int i = 0; i < held.size(); i++) {
                        append(held.get(i));
                    }
                    held.clear();
                    append(sample);
                    steps.reset();
                    refit();
                    yield SampleVerdict.STEP;
                }
            };
        }
        coverProvenInterval(sample);
        coverNarrowedInterval(sample);
        return verdict;
    }

    /**
     * Widens the published bound when the sample, judged by how much longer than the window's
     * fastest exchange it took, says the model has started to go wrong: up to the path's
     * constant asymmetry (which the bound's asymmetry part covers), the truth lies within half
     * that excess (plus an eighth of the fastest round trip for how much the fastest one waited)
     * of the sample's offset. Causality alone proves this only once the error exceeds half the
     * whole round trip, seconds after a frequency change on a LAN. When the model is off by more
     * than its own uncertainties allow, the bound covers the sample's narrowed interval now and,
     * as the error is growing, as much again until the next exchange. Like
     * {@link #coverProvenInterval}, the extra width lasts until the next refit.
     */
    private void coverNarrowedInterval(TimeSample sample) {
        if (end - start < 2) {
            return;
        }
        long rttMin = Long.MAX_VALUE;
        for (int i = start; i < end; i++) {
            rttMin = Math.min(rttMin, rtt[i]);
        }
        long local = sample.localMidNanos();
        long predicted = model.offsetAtNanos(local);
        double halfWidth = Math.max(0, sample.roundTripNanos() - rttMin) / 2.0 + rttMin / 8.0
                + sample.remoteResolutionNanos();
        double residual = Math.abs(sample.offsetNanos() - predicted);
        double proven = residual - halfWidth - ClockModel.SIGMAS * model.sigmaAtNanos(local);
        if (proven <= 0) {
            return;
        }
        long needed = fittedAsymmetryBoundNanos + (long) Math.ceil(residual + halfWidth + proven);
        long extra = needed - model.errorBoundAtNanos(local);
        if (extra > 0) {
            model = model.withExtraBoundNanos(extra);
        }
    }

    /**
     * Widens the published bound when the sample's causality interval (where the truth must
     * lie) excludes the model's prediction at the sample's instant, so that the bound covers the
     * whole interval: a stated bound proven false is never published, even for the exchanges
     * that merely begin a suspected step. The extra width lasts until the next refit.
     */
    private void coverProvenInterval(TimeSample sample) {
        long local = sample.localMidNanos();
        long predicted = model.offsetAtNanos(local);
        if (sample.minOffsetNanos() <= predicted && predicted <= sample.maxOffsetNanos()) {
            return;
        }
        long needed = Math.max(predicted - sample.minOffsetNanos(), sample.maxOffsetNanos() - predicted);
        long extra = needed - model.errorBoundAtNanos(local);
        if (extra > 0) {
            model = model.withExtraBoundNanos(extra);
        }
    }

    /** The current model, or null before the first accepted sample. */
    public ClockModel model() {
        return model;
    }

    /** Number of steps detected so far. */
    public int segment() {
        return segment;
    }


    /** Samples per block whose drifts are compared to bound the frequency wander. */
    static final int WANDER_BLOCK = 256;

    /**
     * Every {@value #WANDER_BLOCK} accepted samples, fits the drift of just that block and
     * compares it with the previous block's: {@code (Δdrift)²/Δt} over successive blocks
     * estimates the random walk's rate {@code q} plus the blocks' own measurement noise, so its
     * running mean is an upper limit of the wander, never an underestimate.
     */
    private void measureWander() {
        if (++sinceBlock < WANDER_BLOCK || end - start < WANDER_BLOCK) {
            return;
        }
        sinceBlock = 0;
        int from = end - WANDER_BLOCK;
        LineFit ls = OffsetRegression.fit(x, y, w, from, end);
        if (ls == null || !Double.isFinite(ls.slopeSigmaPpm())) {
            return;
        }
        IntervalFit.Result r = IntervalFit.fit(x, low, high, from, end, ls.anchorLocalNanos(), ls.slopePpm());
        double drift = r != null && r.slackNanos() >= 0 ? r.slopePpm() : ls.slopePpm();
        long centre = ls.anchorLocalNanos();
        if (!Double.isNaN(previousBlockDriftPpm) && centre > previousBlockCentreNanos) {
            double d = drift - previousBlockDriftPpm;
            wanderSum += d * d / ((centre - previousBlockCentreNanos) * 1e-9);
            wanderPairs++;
        }
        previousBlockDriftPpm = drift;
        previousBlockCentreNanos = centre;
    }

    /** Upper limit of the frequency random walk's rate (ppm²/s) measured so far; 0 before two blocks. */
    public double wanderPpm2PerSecond() {
        return wanderPairs == 0 ? 0 : wanderSum / wanderPairs;
    }

    private void startSegment() {
        if (end - start < MIN_DRIFT_SAMPLES && priorDrift != null) {
            // This segment ran on a drift carried over a step and broke again before it had a drift
            // of its own: what looked like steps is the frequency having changed (a drift that
            // flipped sign, say), so the carried drift must not be carried once more.
            priorDrift = null;
        } else if (lastFit != null && model.driftKnown()) {
            priorDrift = lastFit;
        }
        segment++;
        start = 0;
        end = 0;
        // A step breaks the block sequence; the wander measured so far still describes the oscillators.
        previousBlockDriftPpm = Double.NaN;
        sinceBlock = 0;
    }

    /** Adds a sample to the window; its weight is set by the next {@link #reweight()}. */
    private void append(TimeSample s) {
        if (end == x.length) {
            int keep = end - start;
            System.arraycopy(x, start, x, 0, keep);
            System.arraycopy(y, start, y, 0, keep);
            System.arraycopy(rtt, start, rtt, 0, keep);
            System.arraycopy(low, start, low, 0, keep);
            System.arraycopy(high, start, high, 0, keep);
            System.arraycopy(resolution, start, resolution, 0, keep);
            start = 0;
            end = keep;
        }
        x[end] = s.localMidNanos();
        y[end] = s.offsetNanos();
        rtt[end] = Math.max(0, s.roundTripNanos());
        low[end] = s.minOffsetNanos();
        high[end] = s.maxOffsetNanos();
        resolution[end] = s.remoteResolutionNanos();
        end++;
        if (end - start > maxWindow) {
            start = end - maxWindow;
        }
    }

    private void refit() {
        reweight();
        int n = end - start;
        LineFit fit;
        boolean driftKnown;
        if (n < MIN_DRIFT_SAMPLES && priorDrift != null && !contradictsSlope(priorDrift.slopePpm())) {
            fit = OffsetRegression.fitWithSlope(x, y, w, start, end, priorDrift.slopePpm(), priorDrift.slopeSigmaPpm());
            driftKnown = true;
        } else {
            fit = chooseWindow();
            driftKnown = fit.samples() >= MIN_DRIFT_SAMPLES && Double.isFinite(fit.slopeSigmaPpm());
            if (driftKnown) {
                fit = sharpen(fit);
            }
            fit = honestUncertainties(fit);
        }
        lastFit = fit;
        measureWander();
        long bestRtt = Long.MAX_VALUE;
        long res = 1;
        for (int i = start; i < end; i++) {
            bestRtt = Math.min(bestRtt, rtt[i]);
            res = Math.max(res, resolution[i]);
        }
        long asymmetryBound = TimeSample.asymmetryBoundNanos(bestRtt, res);
        fittedAsymmetryBoundNanos = asymmetryBound;
        // The fitted slope is the offset's rate of change; the model states the remote's drift,
        // which has the opposite sign (a remote running fast makes local − remote fall).
        model = new ClockModel(fit.anchorLocalNanos(), fit.offsetNanos(), -fit.slopePpm(), fit.offsetSigmaNanos(),
                fit.slopeSigmaPpm(), asymmetryBound, x[end - 1], n, x[start], segment, driftKnown,
                wanderPpm2PerSecond());
    }

    /**
     * The fit with uncertainties a young window can stand behind. The least-squares ones assume
     * many samples with independent, centred errors of known size; a few seconds of exchanges
     * are neither many nor centred (on a busy host the queueing lands mostly on one leg and
     * shrinks as the code warms, which tilts the line). So: both uncertainties grow by Student's
     * t for the window's degrees of freedom (the bound spans {@link ClockModel#SIGMAS} of them,
     * which is right only for many samples), and the drift's is at least a third of how far the
     * slope may go from the fitted one while a straight line still passes through every
     * exchange's causality interval narrowed by the window's fastest round trip (a constant
     * path asymmetry does not tilt the line, so only the excess delay can): the physics of the
     * span, whatever the noise.
     */
    private LineFit honestUncertainties(LineFit fit) {
        if (fit.samples() < 3 || !Double.isFinite(fit.slopeSigmaPpm())) {
            return fit;
        }
        double factor = studentFactor(fit.samples() - 2);
        double slopeSigma = fit.slopeSigmaPpm() * factor;
        long rttMin = Long.MAX_VALUE;
        for (int i = start; i < end; i++) {
            rttMin = Math.min(rttMin, rtt[i]);
        }
        for (int i = start; i < end; i++) {
            narrowHigh[i] = high[i] - rttMin;
        }
        // The fastest exchange waited a little too, and the path's base delay may wobble: widen
        // the narrowed intervals step by step until a line passes.
        double[] range = null;
        for (int k = 0; k <= 4 && range == null; k++) {
            long slack = k == 4 ? rttMin : k * rttMin / 8;
            range = IntervalFit.slopeRangePpm(x, low, narrowHigh, slack, start, end, fit.slopePpm());
        }
        if (range != null) {
            double halfRange = Math.max(range[1] - fit.slopePpm(), fit.slopePpm() - range[0]);
            slopeSigma = Math.max(slopeSigma, halfRange / ClockModel.SIGMAS);
        }
        // Never less known than before any fit: two crystals within their tolerance.
        slopeSigma = Math.min(slopeSigma, Math.max(fit.slopeSigmaPpm(), ClockModel.UNKNOWN_DRIFT_SIGMA_PPM));
        return new LineFit(fit.anchorLocalNanos(), fit.offsetNanos(), fit.slopePpm(),
                fit.offsetSigmaNanos() * factor, slopeSigma, fit.samples(), fit.firstLocalNanos(),
                fit.lastLocalNanos());
    }

    /**
     * True when the segment's own exchanges rule out {@code slopePpm}: no line of that slope
     * passes through their causality intervals narrowed by the fastest round trip (and widened
     * by an eighth of it for the fastest exchange's own wait), so what was taken for a step was (also)
     * a change of frequency and the drift carried over it no longer holds.
     */
    private boolean contradictsSlope(double slopePpm) {
        if (end - start < 2) {
            return false;
        }
        long rttMin = Long.MAX_VALUE;
        for (int i = start; i < end; i++) {
            rttMin = Math.min(rttMin, rtt[i]);
        }
        for (int i = start; i < end; i++) {
            narrowHigh[i] = high[i] - rttMin;
        }
        double[] range = IntervalFit.slopeRangePpm(x, low, narrowHigh, rttMin / 8, start, end, slopePpm);
        if (range == null) {
            return false;
        }
        if (slopePpm >= range[0] && slopePpm <= range[1]) {
            return false;
        }
        priorDrift = null;
        return true;
    }

    /** Student's t quantiles at the {@link ClockModel#SIGMAS}-sigma level (0.99865), for 1 to 30 degrees of freedom. */
    private static final double[] STUDENT_T = {235.784, 19.206, 9.219, 6.620, 5.507, 4.904, 4.530, 4.277, 4.094,
        3.957, 3.850, 3.764, 3.694, 3.636, 3.586, 3.544, 3.507, 3.475, 3.447, 3.422, 3.400, 3.380, 3.361, 3.345,
        3.330, 3.316, 3.303, 3.291, 3.280, 3.270};

    /**
     * How much wider than {@link ClockModel#SIGMAS} normal standard uncertainties the same
     * confidence is with an uncertainty estimated from {@code dof} degrees of freedom.
     */
    static double studentFactor(int dof) {
        if (dof < 1) {
            return Double.POSITIVE_INFINITY;
        }
        double t = dof <= STUDENT_T.length ? STUDENT_T[dof - 1] : ClockModel.SIGMAS * (1 + 2.6 / dof);
        return t / ClockModel.SIGMAS;
    }

    /**
     * Replaces the least-squares line by the {@link IntervalFit} through the same window when
     * a straight line passes through every causality interval; keeps the least-squares
     * uncertainties, which stay an honest (if cautious) description of the scatter.
     */
    private LineFit sharpen(LineFit ls) {
        IntervalFit.Result r = IntervalFit.fit(x, low, high, start, end, ls.anchorLocalNanos(), ls.slopePpm());
        if (r == null || r.slackNanos() < 0) {
            return ls;
        }
        return new LineFit(ls.anchorLocalNanos(), r.offsetNanos(), r.slopePpm(), ls.offsetSigmaNanos(),
                ls.slopeSigmaPpm(), ls.samples(), ls.firstLocalNanos(), ls.lastLocalNanos());
    }

    /**
     * Recomputes every weight in the window against the window's fastest exchange and the
     * filter's current view of the path, so early samples weighted before the path's minimum
     * delay was known do not keep an undeserved say.
     */
    private void reweight() {
        long min = Long.MAX_VALUE;
        for (int i = start; i < end; i++) {
            min = Math.min(min, rtt[i]);
        }
        for (int i = start; i < end; i++) {
            double sigma = filter.sigmaNanos(rtt[i], resolution[i], min);
            w[i] = 1 / (sigma * sigma);
        }
    }

    /**
     * Fits the whole segment; if the residual signs say the line does not fit, drops the older
     * half and tries again, down to {@link #MIN_WINDOW}. Dropped samples stay dropped: the data
     * said the clock no longer behaves as it did then.
     */
    private LineFit chooseWindow() {
        while (true) {
            LineFit fit = OffsetRegression.fit(x, y, w, start, end);
            int n = end - start;
            if (n < 2 * MIN_WINDOW) {
                return fit;
            }
            for (int i = start; i < end; i++) {
                residual[i] = y[i] - fit.offsetAt(x[i]);
            }
            long res = 1;
            for (int i = start; i < end; i++) {
                res = Math.max(res, resolution[i]);
            }
            if (RunsTest.looksRandom(residual, start, end, res > 1 ? res / 2.0 : 0)) {
                return fit;
            }
            start = end - n / 2;
        }
    }

    @Override
    public String toString() {
        return "OffsetTracker[segment=" + segment + ", window=" + (end - start) + ", model=" + model + "]"
                + (held.isEmpty() ? "" : " held=" + Arrays.toString(held.toArray()));
    }
}
