package io.lockstep.correct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a correction run did: which columns, how many rows and timestamps it mapped with what
 * largest bound, and which lines it could not parse or found outside the log's span (the first
 * {@value #MAX_LINES_KEPT} line numbers of each, so memory stays constant). Mutable while the run fills it; not thread-safe.
 */
public final class CorrectionReport {

    /** How many line numbers of each kind are kept. */
    public static final int MAX_LINES_KEPT = 20;

    private final List<String> columns;
    private long rows;
    private long corrected;
    private long outside;
    private long unparsable;
    private long maxBoundNanos;
    private final List<Long> outsideLines = new ArrayList<>();
    private final List<Long> unparsableLines = new ArrayList<>();

    CorrectionReport(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    void row() {
        rows++;
    }

    void corrected(long boundNanos) {
        corrected++;
        maxBoundNanos = Math.max(maxBoundNanos, boundNanos);
    }

    void outside(long line) {
        outside++;
        if (outsideLines.size() < MAX_LINES_KEPT) {
            outsideLines.add(line);
        }
    }

    void unparsable(long line) {
        unparsable++;
        if (unparsableLines.size() < MAX_LINES_KEPT) {
            unparsableLines.add(line);
        }
    }

    /** Data rows read (header excluded). */
    public long rows() {
        return rows;
    }

    /** The timestamp columns mapped, as named in the header. */
    public List<String> columns() {
        return columns;
    }

    /**
     * Timestamps mapped (including extrapolated ones): one per row and column, so with one
     * column the rows mapped.
     */
    public long corrected() {
        return corrected;
    }

    /** Rows with a timestamp outside the log's span. */
    public long outside() {
        return outside;
    }

    /** Rows with a timestamp that could not be parsed (copied unchanged). */
    public long unparsable() {
        return unparsable;
    }

    /** Largest error bound of any mapped timestamp, in ns. */
    public long maxBoundNanos() {
        return maxBoundNanos;
    }

    /** First line numbers (1-based, header is line 1) outside the log's span. */
    public List<Long> outsideLines() {
        return Collections.unmodifiableList(outsideLines);
    }

    /** First line numbers that could not be parsed. */
    public List<Long> unparsableLines() {
        return Collections.unmodifiableList(unparsableLines);
    }
}
