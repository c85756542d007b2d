package io.lockstep.correct;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.internal.estimate.IntervalFit;
import io.lockstep.internal.estimate.LineFit;
import io.lockstep.internal.estimate.OffsetRegression;
import io.lockstep.internal.estimate.SampleFilter;
import io.lockstep.log.OffsetLog;

/**
 * A robust piecewise-linear map between a host's local clock and the reference clock, built
 * after the fact from an {@link OffsetLog}. The log's raw offsets are cut into segments where
 * the tracker saw a step or was restarted (the map is never continued across those), and each
 * segment into chunks of {@value #CHUNK_ROWS} usable rows. Each chunk gives a knot at its
 * centre, fitted over the chunk and {@value #NEIGHBOURS} neighbours either side: a Huber-robust
 * weighted line (weights from the same minimum-delay filter the live tracker uses), sharpened
 * by the {@link IntervalFit} through the rows' causality intervals when a line passes through
 * all of them. Between knots the offset is interpolated linearly; before the first
 * and after the last knot of a segment, the end chunks' lines carry it to the segment's first
 * and last row. In a gap of up to ten minutes between segments both neighbours' lines are
 * candidates (see {@link Cursor#offsetNanos(long)}). Outside every segment the map says so
 * instead of guessing, unless asked to extrapolate.
 *
 * <p>Each knot's error bound is half the best round trip around it plus half the resolution
 * (path asymmetry the data cannot reveal) plus three standard uncertainties of the robust fit.
 * Memory grows with the log (one knot per chunk), never with the data being corrected.
 * Immutable after construction; lookups are thread-safe.
 */
public final class CorrectionModel {

    /** Usable log rows per chunk: about a minute at 1 Hz. */
    public static final int CHUNK_ROWS = 64;

    /**
     * Longest gap between two segments that a lookup bridges (10 minutes): beyond that the clock
     * may have wandered unobserved, and times in the gap count as outside the log.
     */
    public static final long MAX_BRIDGE_NANOS = 600_000_000_000L;

    /** Chunks either side of a knot's own that its fit also uses. */
    public static final int NEIGHBOURS = 3;

    private final long[] knotLocal;
    private final double[] knotOffset;
    private final double[] knotSlopePpm;
    private final double[] knotSlopeSigmaPpm;
    private final long[] knotBound;
    // Per segment: first and last knot index and the local time span its rows cover.
    private final int[] segFirstKnot;
    private final int[] segLastKnot;
    private final long[] segStart;
    private final long[] segEnd;

    private CorrectionModel(Builder b) {
        int k = b.knots;
        knotLocal = Arrays.copyOf(b.knotLocal, k);
        knotOffset = Arrays.copyOf(b.knotOffset, k);
        knotSlopePpm = Arrays.copyOf(b.knotSlope, k);
        knotSlopeSigmaPpm = Arrays.copyOf(b.knotSlopeSigma, k);
        knotBound = Arrays.copyOf(b.knotBound, k);
        int s = b.segments;
        segFirstKnot = Arrays.copyOf(b.segFirst, s);
        segLastKnot = Arrays.copyOf(b.segLast, s);
        segStart = Arrays.copyOf(b.segStart, s);
        segEnd = Arrays.copyOf(b.segEnd, s);
    }

    /**
     * Reads an offset log and builds the map.
     *
     * @throws OffsetLog.FormatException when the file is not a well-formed offset log, its rows
     *         are not in time order, or it has no usable rows
     * @throws IOException when the file cannot be read
     */
    public static CorrectionModel fromLog(Path log) throws IOException {
        Builder b = new Builder();
        OffsetLog.read(log, (row, line) -> {
            String disorder = b.order.check(row, line);
            if (disorder != null) {
                throw new OffsetLog.FormatException(log + ": the log is not in time order, line " + line + " ("
                        + disorder + "); was it sorted or edited? Use the file as track wrote it");
            }
            b.add(row);
        });
        b.finishSegment();
        if (b.knots == 0) {
            throw new OffsetLog.FormatException(log + " holds no usable exchanges (every row was dropped, delayed or an outlier)");
        }
        return new CorrectionModel(b);
    }

    /** Number of segments (separated by steps and restarts). */
    public int segments() {
        return segStart.length;
    }

    /** Local time (ns) of the first log row the map uses. */
    public long spanStartNanos() {
        return segStart[0];
    }

    /** Local time (ns) of the last log row the map uses. */
    public long spanEndNanos() {
        return segEnd[segEnd.length - 1];
    }

    /** Number of knots. */
    public int knots() {
        return knotLocal.length;
    }

    /**
     * A cursor for fast lookups of mostly ordered times; not thread-safe, one per stream.
     */
    public Cursor cursor() {
        return new Cursor();
    }

    /** Looks up offsets, remembering where the last lookup landed. Not thread-safe. */
    public final class Cursor {
        private int segment;
        private boolean covered;
        private boolean bridging;
        private long boundNanos;

        /**
         * Finds the segment for {@code localNanos}. Returns true when a segment covers it;
         * otherwise the nearest segment is used for {@link #offsetNanos(long)} (extrapolation).
         */
        public boolean locate(long localNanos) {
            int s = segment;
            if (localNanos < segStart[s] || localNanos > segEnd[s]) {
                s = Arrays.binarySearch(segStart, localNanos);
                if (s < 0) {
                    s = Math.max(0, -s - 2);
                }
                segment = s;
            }
            covered = localNanos >= segStart[s] && localNanos <= segEnd[s];
            bridging = false;
            if (!covered && s + 1 < segStart.length && localNanos > segEnd[s] && localNanos < segStart[s + 1]
                    && segStart[s + 1] - segEnd[s] <= MAX_BRIDGE_NANOS) {
                // Between two segments (a restart, or a step whose instant lies somewhere in the
                // gap): both neighbours' lines are candidates, see offsetNanos.
                covered = true;
                bridging = true;
                return true;
            }
            if (!covered && s + 1 < segStart.length && segStart[s + 1] - localNanos < localNanos - segEnd[s]) {
                segment = s + 1;
            }
            return covered;
        }

        /**
         * A knot's bound carried {@code localNanos − knot} away along its line: the slope's own
         * uncertainty grows with the distance, and outside segment {@code seg}'s rows (a step or
         * restart lies in between, or no data at all) a drift of up to
         * {@link ClockModel#UNKNOWN_DRIFT_SIGMA_PPM} is possible too, over the distance beyond
         * the segment's first or last row: up to there the rows pin the line, so 1 s past the
         * log's end costs 1 s of unknown drift, not the time since the last knot.
         */
        private long extrapolatedBound(int seg, int knot, long localNanos) {
            double distance = Math.abs((double) localNanos - knotLocal[knot]);
            double grow = 3 * knotSlopeSigmaPpm[knot] * 1e-6 * distance;
            if (!covered) {
                double beyond = Math.max(0, Math.max((double) localNanos - segEnd[seg], (double) segStart[seg] - localNanos));
                grow += ClockModel.UNKNOWN_DRIFT_SIGMA_PPM * 1e-6 * beyond;
            }
            return knotBound[knot] + (long) Math.ceil(grow);
        }

        /** True when the last {@link #locate(long)} found a covering segment. */
        public boolean covered() {
            return covered;
        }

        /**
         * Offset {@code local − reference} at {@code localNanos} in the located segment. In a gap
         * between two segments the truth follows one neighbour's line or the other's (the clock was
         * continuous across a restart, or stepped at an unknown instant in the gap): the estimate
         * is the midpoint of both lines and the bound covers both, so it is tight after a restart
         * and honestly wide around a step.
         */
        public long offsetNanos(long localNanos) {
            if (bridging) {
                double before = offsetIn(segment, localNanos);
                long boundBefore = boundNanos;
                double after = offsetIn(segment + 1, localNanos);
                long boundAfter = boundNanos;
                boundNanos = (long) Math.ceil(Math.abs(after - before) / 2) + Math.max(boundBefore, boundAfter);
                return Math.round((before + after) / 2);
            }
            return Math.round(offsetIn(segment, localNanos));
        }

        private double offsetIn(int seg, long localNanos) {
            int first = segFirstKnot[seg];
            int last = segLastKnot[seg];
            int i = Arrays.binarySearch(knotLocal, first, last + 1, localNanos);
            if (i < 0) {
                i = -i - 2;
            }
            double offset;
            if (i < first) {
                offset = knotOffset[first] + knotSlopePpm[first] * 1e-6 * (localNanos - knotLocal[first]);
                boundNanos = extrapolatedBound(seg, first, localNanos);
            } else if (i >= last) {
                offset = knotOffset[last] + knotSlopePpm[last] * 1e-6 * (localNanos - knotLocal[last]);
                boundNanos = extrapolatedBound(seg, last, localNanos);
            } else {
                double f = (double) (localNanos - knotLocal[i]) / (knotLocal[i + 1] - knotLocal[i]);
                offset = knotOffset[i] + f * (knotOffset[i + 1] - knotOffset[i]);
                boundNanos = Math.max(knotBound[i], knotBound[i + 1]);
            }
            return offset;
        }

        /** Error bound of the last {@link #offsetNanos(long)}, in ns. */
        public long boundNanos() {
            return boundNanos;
        }

        /** Reference time for local time {@code localNanos} (call {@link #locate(long)} first). */
        public long toReference(long localNanos) {
            return localNanos - offsetNanos(localNanos);
        }

        /**
         * Local time at which the reference clock read {@code referenceNanos}; locates the
         * segment itself and leaves {@link #covered()} set for the local result.
         */
        public long toLocal(long referenceNanos) {
            // local = reference + offset(local); the offset changes by ppm, so two rounds converge.
            long local = referenceNanos;
            for (int round = 0; round < 3; round++) {
                locate(local);
                local = referenceNanos + offsetNanos(local);
            }
            locate(local);
            return local;
        }
    }

    /**
     * Checks that rows come in the order {@code track} appends them: segment numbers never
     * decrease, and within a segment the rows the map uses (accepted exchanges and steps) never
     * go back in local time. Rows the map skips are not checked: after the host's own clock is
     * set back, the tracker flags the exchanges as outliers until it confirms the step and opens
     * a new segment, and those rows legitimately go back. The segments and chunks are built on
     * file order, so a shuffled log would otherwise come out as a map with wrong spans. Not
     * thread-safe.
     */
    private static final class OrderCheck {
        private int segment = Integer.MIN_VALUE;
        private long segmentLine;
        private long lastLocal = Long.MIN_VALUE;
        private long lastLine;

        /** Null when {@code row} may follow the rows before it; otherwise why not. */
        String check(OffsetLog.Row row, long line) {
            if (row.segment() < segment) {
                return "segment " + row.segment() + " after segment " + segment + " on line " + segmentLine;
            }
            if (row.segment() != segment) {
                segment = row.segment();
                segmentLine = line;
                lastLocal = Long.MIN_VALUE;
            }
            if (row.roundTripNanos() < 0
                    || !(row.verdict() == SampleVerdict.ACCEPTED || row.verdict() == SampleVerdict.STEP)) {
                return null;
            }
            if (row.localNanos() < lastLocal) {
                return "local_ns " + row.localNanos() + " is " + io.lockstep.time.Durations.format(lastLocal - row.localNanos())
                        + " before line " + lastLine + "'s in segment " + segment;
            }
            lastLocal = row.localNanos();
            lastLine = line;
            return null;
        }
    }

    /** Rows of one chunk of the log. */
    private static final class Chunk {
        final long[] x = new long[CHUNK_ROWS];
        final long[] y = new long[CHUNK_ROWS];
        final long[] low = new long[CHUNK_ROWS];
        final long[] high = new long[CHUNK_ROWS];
        final long[] rtt = new long[CHUNK_ROWS];
        final double[] w = new double[CHUNK_ROWS];
        long resolution = 1;
        int n;
        double weightSum;
        double weightedX;

        long centreNanos() {
            return x[0] + Math.round(weightedX / weightSum);
        }
    }

    /**
     * Streams the log a chunk at a time. Each knot is fitted over its chunk and
     * {@value #NEIGHBOURS} chunks either side within the segment, so memory is bounded by
     * {@code 2·NEIGHBOURS + 1} chunks plus the knots.
     */
    private static final class Builder {
        final OrderCheck order = new OrderCheck();
        private final SampleFilter filter = new SampleFilter();
        private final java.util.ArrayList<Chunk> chunks = new java.util.ArrayList<>();
        private Chunk open;
        private int nextKnot;
        private int currentSegment = Integer.MIN_VALUE;
        private long firstLocal;
        private long lastLocal;
        private boolean segmentHasRows;
        private int segmentFirstKnot;

        long[] knotLocal = new long[16];
        double[] knotOffset = new double[16];
        double[] knotSlope = new double[16];
        double[] knotSlopeSigma = new double[16];
        long[] knotBound = new long[16];
        int knots;
        int[] segFirst = new int[4];
        int[] segLast = new int[4];
        long[] segStart = new long[4];
        long[] segEnd = new long[4];
        int segments;

        void add(OffsetLog.Row row) {
            if (row.roundTripNanos() < 0) {
                return;
            }
            if (row.segment() != currentSegment) {
                finishSegment();
                currentSegment = row.segment();
                segmentFirstKnot = knots;
                segmentHasRows = false;
                // The filter is not reset: like the live tracker's, it describes the path, which
                // a clock step does not change, so both judge the same rows alike.
            }
            // Only rows the live tracker used; outliers and slow rows stay out of the map too.
            double weight = filter.offer(row.roundTripNanos(), row.resolutionNanos());
            if (weight <= 0 || !(row.verdict() == SampleVerdict.ACCEPTED || row.verdict() == SampleVerdict.STEP)) {
                return;
            }
            if (!segmentHasRows) {
                firstLocal = row.localNanos();
                segmentHasRows = true;
            }
            if (open == null) {
                open = new Chunk();
            }
            Chunk c = open;
            int i = c.n;
            c.x[i] = row.localNanos();
            c.y[i] = row.rawOffsetNanos();
            // The raw offset is the interval's midpoint: exchanges prove the truth within ±(rtt + resolution)/2.
            long half = (row.roundTripNanos() + (row.resolutionNanos() > 1 ? row.resolutionNanos() : 0) + 1) / 2;
            c.low[i] = row.rawOffsetNanos() - half;
            c.high[i] = row.rawOffsetNanos() + half;
            c.rtt[i] = row.roundTripNanos();
            c.w[i] = weight;
            c.resolution = Math.max(c.resolution, row.resolutionNanos());
            c.weightSum += weight;
            c.weightedX += weight * (row.localNanos() - c.x[0]);
            c.n++;
            lastLocal = row.localNanos();
            if (c.n == CHUNK_ROWS) {
                chunks.add(c);
                open = null;
                fitReadyKnots(false);
            }
        }

        private void fitReadyKnots(boolean segmentDone) {
            while (nextKnot < chunks.size() && (segmentDone || nextKnot + NEIGHBOURS < chunks.size())) {
                fitKnot(nextKnot);
                nextKnot++;
            }
            while (nextKnot - NEIGHBOURS > 0) {
                chunks.remove(0);
                nextKnot--;
            }
        }

        private void fitKnot(int j) {
            int from = Math.max(0, j - NEIGHBOURS);
            int to = Math.min(chunks.size() - 1, j + NEIGHBOURS);
            int n = 0;
            for (int c = from; c <= to; c++) {
                n += chunks.get(c).n;
            }
            long[] x = new long[n];
            long[] y = new long[n];
            long[] low = new long[n];
            long[] high = new long[n];
            double[] w = new double[n];
            long bestRtt = Long.MAX_VALUE;
            long resolution = 1;
            int k = 0;
            for (int c = from; c <= to; c++) {
                Chunk ch = chunks.get(c);
                System.arraycopy(ch.x, 0, x, k, ch.n);
                System.arraycopy(ch.y, 0, y, k, ch.n);
                System.arraycopy(ch.low, 0, low, k, ch.n);
                System.arraycopy(ch.high, 0, high, k, ch.n);
                System.arraycopy(ch.w, 0, w, k, ch.n);
                for (int i = 0; i < ch.n; i++) {
                    bestRtt = Math.min(bestRtt, ch.rtt[i]);
                }
                resolution = Math.max(resolution, ch.resolution);
                k += ch.n;
            }
            long at = chunks.get(j).centreNanos();
            LineFit fit = OffsetRegression.fitRobust(x, y, w, 0, n);
            boolean sloped = Double.isFinite(fit.slopeSigmaPpm());
            double offset = fit.offsetAt(at);
            double slope = sloped ? fit.slopePpm() : 0;
            if (sloped) {
                IntervalFit.Result sharp = IntervalFit.fit(x, low, high, 0, n, at, fit.slopePpm());
                if (sharp != null && sharp.slackNanos() >= 0) {
                    offset = sharp.offsetNanos();
                    slope = sharp.slopePpm();
                }
            }
            long bound = io.lockstep.protocol.TimeSample.asymmetryBoundNanos(bestRtt, resolution)
                    + (long) Math.ceil(3 * fit.sigmaAt(at));
            if (knots == knotLocal.length) {
                int size = knots * 2;
                knotLocal = Arrays.copyOf(knotLocal, size);
                knotOffset = Arrays.copyOf(knotOffset, size);
                knotSlope = Arrays.copyOf(knotSlope, size);
                knotSlopeSigma = Arrays.copyOf(knotSlopeSigma, size);
                knotBound = Arrays.copyOf(knotBound, size);
            }
            // Knots must be strictly increasing for interpolation.
            if (knots > segmentFirstKnot && at <= knotLocal[knots - 1]) {
                at = knotLocal[knots - 1] + 1;
            }
            knotLocal[knots] = at;
            knotOffset[knots] = offset;
            knotSlope[knots] = slope;
            knotSlopeSigma[knots] = sloped ? fit.slopeSigmaPpm() : ClockModel.UNKNOWN_DRIFT_SIGMA_PPM;
            knotBound[knots] = bound;
            knots++;
        }

        void finishSegment() {
            if (open != null && open.n > 0) {
                chunks.add(open);
            }
            open = null;
            fitReadyKnots(true);
            chunks.clear();
            nextKnot = 0;
            if (knots == segmentFirstKnot || currentSegment == Integer.MIN_VALUE) {
                return;
            }
            if (segments == segStart.length) {
                int size = segments * 2;
                segFirst = Arrays.copyOf(segFirst, size);
                segLast = Arrays.copyOf(segLast, size);
                segStart = Arrays.copyOf(segStart, size);
                segEnd = Arrays.copyOf(segEnd, size);
            }
            if (segments > 0 && firstLocal <= segEnd[segments - 1]) {
                // Local time went backwards across a restart (the wall clock was set): keep order.
                firstLocal = segEnd[segments - 1] + 1;
            }
            segFirst[segments] = segmentFirstKnot;
            segLast[segments] = knots - 1;
            segStart[segments] = firstLocal;
            segEnd[segments] = Math.max(lastLocal, firstLocal);
            segments++;
            segmentFirstKnot = knots;
        }
    }
}
