package io.lockstep.correct;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import io.lockstep.clock.OffsetLog;
import io.lockstep.estimate.LineFit;
import io.lockstep.estimate.OffsetRegression;
import io.lockstep.estimate.SampleFilter;
import io.lockstep.estimate.SampleVerdict;

/**
 * A robust piecewise-linear map between a host's local clock and the reference clock, built
 * after the fact from an {@link OffsetLog}. The log's raw offsets are cut into segments where
 * the tracker saw a step or was restarted (the map is never continued across those), and each
 * segment into chunks of {@value #CHUNK_ROWS} usable rows; each chunk gets a Huber-robust
 * weighted line (weights from the same minimum-delay filter the live tracker uses), evaluated
 * at its centre as a knot. Between knots the offset is interpolated linearly; before the first
 * and after the last knot of a segment, the end chunks' lines carry it to the segment's first
 * and last row. Outside every segment the map says so instead of guessing, unless asked to
 * extrapolate.
 *
 * <p>Each knot's error bound is half the chunk's best round trip plus half the resolution
 * (path asymmetry the data cannot reveal) plus three standard uncertainties of the chunk fit.
 * Memory grows with the log (one knot per chunk), never with the data being corrected.
 * Immutable after construction; lookups are thread-safe.
 */
public final class CorrectionModel {

    /** Usable log rows per chunk: about a minute at 1 Hz. */
    public static final int CHUNK_ROWS = 64;

    private final long[] knotLocal;
    private final double[] knotOffset;
    private final double[] knotSlopePpm;
    private final long[] knotBound;
    private final int[] knotSegment;
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
        knotBound = Arrays.copyOf(b.knotBound, k);
        knotSegment = Arrays.copyOf(b.knotSegment, k);
        int s = b.segments;
        segFirstKnot = Arrays.copyOf(b.segFirst, s);
        segLastKnot = Arrays.copyOf(b.segLast, s);
        segStart = Arrays.copyOf(b.segStart, s);
        segEnd = Arrays.copyOf(b.segEnd, s);
    }

    /**
     * Reads an offset log and builds the map.
     *
     * @throws IOException when the file cannot be read, is not an offset log, or has no usable rows
     */
    public static CorrectionModel fromLog(Path log) throws IOException {
        Builder b = new Builder();
        OffsetLog.read(log, (row, line) -> b.add(row));
        b.finishSegment();
        if (b.knots == 0) {
            throw new IOException(log + " holds no usable exchanges (every row was dropped, delayed or an outlier)");
        }
        return new CorrectionModel(b);
    }

    /** Number of segments (separated by steps and restarts). */
    public int segments() {
        return segStart.length;
    }

    /** Number of knots. */
    public int knots() {
        return knotLocal.length;
    }

    /** Earliest local time covered. */
    public long startLocalNanos() {
        return segStart[0];
    }

    /** Latest local time covered. */
    public long endLocalNanos() {
        return segEnd[segEnd.length - 1];
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
            if (!covered && s + 1 < segStart.length && segStart[s + 1] - localNanos < localNanos - segEnd[s]) {
                segment = s + 1;
            }
            return covered;
        }

        /** True when the last {@link #locate(long)} found a covering segment. */
        public boolean covered() {
            return covered;
        }

        /** Offset {@code local − reference} at {@code localNanos} in the located segment. */
        public long offsetNanos(long localNanos) {
            int first = segFirstKnot[segment];
            int last = segLastKnot[segment];
            int i = Arrays.binarySearch(knotLocal, first, last + 1, localNanos);
            if (i < 0) {
                i = -i - 2;
            }
            double offset;
            if (i < first) {
                offset = knotOffset[first] + knotSlopePpm[first] * 1e-6 * (localNanos - knotLocal[first]);
                boundNanos = knotBound[first];
            } else if (i >= last) {
                offset = knotOffset[last] + knotSlopePpm[last] * 1e-6 * (localNanos - knotLocal[last]);
                boundNanos = knotBound[last];
            } else {
                double f = (double) (localNanos - knotLocal[i]) / (knotLocal[i + 1] - knotLocal[i]);
                offset = knotOffset[i] + f * (knotOffset[i + 1] - knotOffset[i]);
                boundNanos = Math.max(knotBound[i], knotBound[i + 1]);
            }
            return Math.round(offset);
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

    /** Accumulates one chunk at a time; memory is one chunk plus the knots. */
    private static final class Builder {
        private final SampleFilter filter = new SampleFilter();
        private final long[] x = new long[CHUNK_ROWS];
        private final long[] y = new long[CHUNK_ROWS];
        private final long[] rtt = new long[CHUNK_ROWS];
        private final double[] w = new double[CHUNK_ROWS];
        private long chunkResolution = 1;
        private int n;
        private int currentSegment = Integer.MIN_VALUE;
        private long firstLocal;
        private long lastLocal;
        private int segmentFirstKnot;

        long[] knotLocal = new long[16];
        double[] knotOffset = new double[16];
        double[] knotSlope = new double[16];
        long[] knotBound = new long[16];
        int[] knotSegment = new int[16];
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
                filter.reset();
                firstLocal = row.localNanos();
            }
            // Only rows the live tracker used; outliers and slow rows stay out of the map too.
            double weight = filter.offer(row.roundTripNanos(), row.resolutionNanos());
            if (weight <= 0 || !(row.verdict() == SampleVerdict.ACCEPTED || row.verdict() == SampleVerdict.STEP)) {
                return;
            }
            if (n == 0 && knots == segmentFirstKnot) {
                firstLocal = row.localNanos();
            }
            x[n] = row.localNanos();
            y[n] = row.rawOffsetNanos();
            rtt[n] = row.roundTripNanos();
            w[n] = weight;
            chunkResolution = Math.max(chunkResolution, row.resolutionNanos());
            lastLocal = row.localNanos();
            n++;
            if (n == CHUNK_ROWS) {
                finishChunk();
            }
        }

        void finishChunk() {
            if (n == 0) {
                return;
            }
            LineFit fit = OffsetRegression.fitRobust(x, y, w, 0, n);
            long bestRtt = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                bestRtt = Math.min(bestRtt, rtt[i]);
            }
            double slope = Double.isFinite(fit.slopeSigmaPpm()) ? fit.slopePpm() : 0;
            long bound = (bestRtt + 1) / 2 + (chunkResolution > 1 ? (chunkResolution + 1) / 2 : 0)
                    + (long) Math.ceil(3 * fit.offsetSigmaNanos());
            if (knots == knotLocal.length) {
                int size = knots * 2;
                knotLocal = Arrays.copyOf(knotLocal, size);
                knotOffset = Arrays.copyOf(knotOffset, size);
                knotSlope = Arrays.copyOf(knotSlope, size);
                knotBound = Arrays.copyOf(knotBound, size);
                knotSegment = Arrays.copyOf(knotSegment, size);
            }
            // Knots must be strictly increasing for interpolation.
            long at = fit.anchorLocalNanos();
            if (knots > segmentFirstKnot && at <= knotLocal[knots - 1]) {
                at = knotLocal[knots - 1] + 1;
            }
            knotLocal[knots] = at;
            knotOffset[knots] = fit.offsetAt(at);
            knotSlope[knots] = slope;
            knotBound[knots] = bound;
            knotSegment[knots] = currentSegment;
            knots++;
            n = 0;
            chunkResolution = 1;
        }

        void finishSegment() {
            finishChunk();
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
