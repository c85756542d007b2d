package io.lockstep.correct;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Streams a CSV file and maps one or more timestamp columns between the local and the tracked
 * clock with a {@link CorrectionModel}, leaving every other byte of every row as it was (line
 * endings included). Works on bytes, not characters: delimiters, quotes and digits are ASCII,
 * and UTF-8 never uses those byte values inside other characters, so no decoding is needed.
 * Records follow RFC 4180: a field that starts with a double quote runs to its closing quote
 * ({@code ""} inside it is a literal quote) and may hold commas and line breaks, so one record
 * can span several lines; line numbers in reports and errors are the physical line a record
 * starts on, as an editor shows it. A quote that is never closed is an error naming the line it
 * opens on. Constant memory whatever the file's size: one record buffer of 1 MiB that grows to
 * at most 2 MiB when a record (up to {@link #MAX_LINE_BYTES}) straddles a read; a longer record
 * is an error naming its line. A row with a timestamp that does not parse is copied unchanged
 * and reported (or stops the run when {@code failOnUnparsable}); timestamps outside the log's
 * span are handled by the {@link OutsidePolicy} and reported with their line numbers. A row is
 * never left with some timestamps mapped and others not (except that {@link OutsidePolicy#BLANK}
 * empties the outside ones). The header must name each timestamp column exactly once. Not
 * thread-safe; one instance per run.
 */
public final class CsvCorrector {

    /** Longest record (line, or lines joined by quoted line breaks) accepted, in bytes. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    /** Thrown when a row stops the run; the message names the line and the flag that would let it pass. */
    public static final class CorrectionException extends IOException {
        public CorrectionException(String message) {
            super(message);
        }
    }

    private final CorrectionModel model;
    private final List<String> columns;
    private final TimestampUnit unit;
    private final ClockDirection direction;
    private final OutsidePolicy outsidePolicy;
    private final boolean failOnUnparsable;

    /**
     * A corrector of one column.
     *
     * @see #CsvCorrector(CorrectionModel, List, TimestampUnit, ClockDirection, OutsidePolicy, boolean)
     */
    public CsvCorrector(CorrectionModel model, String column, TimestampUnit unit, ClockDirection direction,
                        OutsidePolicy outsidePolicy, boolean failOnUnparsable) {
        this(model, List.of(column), unit, direction, outsidePolicy, failOnUnparsable);
    }

    /**
     * @param model            the clock map from the offset log
     * @param columns          header names of the timestamp columns, all in {@code unit} and the
     *                         same clock (e.g. a fixation's start and end), at least one, no repeats
     * @param unit             unit of the columns
     * @param direction        which clock the columns are in and which to map them to
     * @param outsidePolicy    what to do with timestamps outside the log's span
     * @param failOnUnparsable stop at the first unparsable timestamp instead of copying its row and reporting it
     */
    public CsvCorrector(CorrectionModel model, List<String> columns, TimestampUnit unit, ClockDirection direction,
                        OutsidePolicy outsidePolicy, boolean failOnUnparsable) {
        if (columns.isEmpty() || new HashSet<>(columns).size() != columns.size()) {
            throw new IllegalArgumentException("name each timestamp column once, at least one: " + columns);
        }
        this.model = model;
        this.columns = List.copyOf(columns);
        this.unit = unit;
        this.direction = java.util.Objects.requireNonNull(direction, "direction");
        this.outsidePolicy = outsidePolicy;
        this.failOnUnparsable = failOnUnparsable;
    }

    /**
     * The column names of a CSV's header line (the first record), unquoted, without a byte
     * order mark; the stream is read no further than needed, and not closed.
     *
     * @throws CorrectionException when the input is empty or its first record is malformed
     */
    public static List<String> headerNames(InputStream in) throws IOException {
        RecordReader lines = new RecordReader(in, 1 << 12);
        if (!lines.next()) {
            throw new CorrectionException("the input is empty; expected a header line");
        }
        return parseHeader(new String(lines.buf, lines.start, lines.contentEnd - lines.start, StandardCharsets.UTF_8));
    }

    /**
     * Corrects {@code in} into {@code out}; neither is closed, {@code out} is flushed.
     *
     * @throws CorrectionException when a column is missing or named twice, a record is too
     *         long or has an unclosed quote, or a row stops the run by policy
     */
    public CorrectionReport correct(InputStream in, OutputStream out) throws IOException {
        RecordReader lines = new RecordReader(in, 1 << 20);
        CorrectionReport report = new CorrectionReport(columns);
        if (!lines.next()) {
            throw new CorrectionException("the input is empty; expected a header line naming the column '"
                    + String.join("', '", columns) + "'");
        }
        int n = columns.size();
        int[] index = columnIndices(new String(lines.buf, lines.start, lines.contentEnd - lines.start,
                StandardCharsets.UTF_8));
        // Fields are found left to right, so the columns are visited in the order the header has them.
        Integer[] byPosition = new Integer[n];
        for (int k = 0; k < n; k++) {
            byPosition[k] = k;
        }
        Arrays.sort(byPosition, (x, y) -> Integer.compare(index[x], index[y]));
        int[] field = new int[n];
        String[] name = new String[n];
        for (int k = 0; k < n; k++) {
            field[k] = index[byPosition[k]];
            name[k] = columns.get(byPosition[k]);
        }
        out.write(lines.buf, lines.start, lines.end - lines.start);
        CorrectionModel.Cursor cursor = model.cursor();
        StringBuilder number = new StringBuilder(32);
        byte[] digits = new byte[32];
        int[] start = new int[n];
        int[] end = new int[n];
        int[] valueStart = new int[n];
        int[] valueEnd = new int[n];
        long[] mapped = new long[n];
        long[] bound = new long[n];
        boolean[] outside = new boolean[n];
        while (lines.next()) {
            long lineNumber = lines.firstLine;
            byte[] b = lines.buf;
            int lineStart = lines.start;
            int contentEnd = lines.contentEnd;
            int lineEnd = lines.end;
            if (contentEnd == lineStart) {
                out.write(b, lineStart, lineEnd - lineStart);
                continue;
            }
            report.row();
            int missing = locate(b, lineStart, contentEnd, field, start, end);
            int firstOutside = -1;
            boolean skipRow = false;
            for (int k = 0; k < n; k++) {
                long value;
                try {
                    if (k >= missing) {
                        throw new NumberFormatException("the line has too few columns");
                    }
                    valueStart[k] = start[k];
                    valueEnd[k] = end[k];
                    if (end[k] - start[k] >= 2 && b[start[k]] == '"' && b[end[k] - 1] == '"') {
                        valueStart[k]++;
                        valueEnd[k]--;
                    }
                    value = unit.parseNanos(b, valueStart[k], valueEnd[k]);
                } catch (RuntimeException e) {
                    if (failOnUnparsable) {
                        String what = k >= missing ? "the row has no column '" + name[k] + "'"
                                : "'" + snippet(b, valueStart[k], valueEnd[k]) + "' in column '" + name[k]
                                + "' is not a number in " + unit.name().toLowerCase(Locale.ROOT);
                        throw new CorrectionException("line " + lineNumber + ": " + what
                                + "; pass --bad-rows keep to copy such rows unchanged");
                    }
                    report.unparsable(lineNumber);
                    skipRow = true;
                    break;
                }
                boolean covered;
                if (direction == ClockDirection.TRACKED_TO_LOCAL) {
                    mapped[k] = cursor.toLocal(value);
                    covered = cursor.covered();
                } else {
                    covered = cursor.locate(value);
                    mapped[k] = cursor.toReference(value);
                }
                bound[k] = cursor.boundNanos();
                outside[k] = !covered;
                if (!covered && firstOutside < 0) {
                    firstOutside = k;
                }
            }
            if (skipRow) {
                out.write(b, lineStart, lineEnd - lineStart);
                continue;
            }
            if (firstOutside >= 0) {
                report.outside(lineNumber);
                switch (outsidePolicy) {
                    case FAIL -> throw new CorrectionException("line " + lineNumber + ": timestamp "
                            + new String(b, valueStart[firstOutside], valueEnd[firstOutside] - valueStart[firstOutside],
                            StandardCharsets.UTF_8).trim() + (n > 1 ? " in column '" + name[firstOutside] + "'" : "")
                            + " is outside the offset log's span; pass --outside extrapolate, keep or blank to go on");
                    case KEEP -> {
                        out.write(b, lineStart, lineEnd - lineStart);
                        continue;
                    }
                    case BLANK, EXTRAPOLATE -> {
                    }
                }
            }
            int copied = lineStart;
            for (int k = 0; k < n; k++) {
                if (outside[k] && outsidePolicy == OutsidePolicy.BLANK) {
                    out.write(b, copied, start[k] - copied);
                    copied = end[k];
                    continue;
                }
                report.corrected(bound[k]);
                number.setLength(0);
                unit.format(mapped[k], number);
                int len = number.length();
                for (int i = 0; i < len; i++) {
                    digits[i] = (byte) number.charAt(i);
                }
                out.write(b, copied, valueStart[k] - copied);
                out.write(digits, 0, len);
                copied = valueEnd[k];
            }
            out.write(b, copied, lineEnd - copied);
        }
        out.flush();
        return report;
    }

    /**
     * Finds fields {@code field[0] < field[1] < …} of the record {@code [from, to)}, filling
     * {@code start} and {@code end}; returns how many were found (all of them, or the position
     * of the first the record is too short for).
     */
    private static int locate(byte[] b, int from, int to, int[] field, int[] start, int[] end) {
        int pos = from;
        int at = 0;
        for (int k = 0; k < field.length; k++) {
            while (at < field[k]) {
                int e = fieldEnd(b, pos, to);
                if (e >= to) {
                    return k;
                }
                pos = e + 1;
                at++;
            }
            start[k] = pos;
            end[k] = fieldEnd(b, pos, to);
        }
        return field.length;
    }

    private int[] columnIndices(String header) throws CorrectionException {
        List<String> names = parseHeader(header);
        int[] index = new int[columns.size()];
        for (int k = 0; k < index.length; k++) {
            String column = columns.get(k);
            index[k] = names.indexOf(column);
            if (index[k] < 0) {
                throw new CorrectionException("no column named '" + column + "'; the header has " + names);
            }
            int again = names.lastIndexOf(column);
            if (again != index[k]) {
                // Picking one silently could correct the wrong clock's times.
                throw new CorrectionException("the header names column '" + column + "' more than once (columns "
                        + (index[k] + 1) + " and " + (again + 1) + "); rename one so it is clear which to correct");
            }
        }
        return index;
    }

    private static List<String> parseHeader(String header) {
        List<String> names = new ArrayList<>();
        // A UTF-8 byte order mark (Excel writes one) precedes even a quoted first name.
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        byte[] b = header.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        while (true) {
            int end = fieldEnd(b, i, b.length);
            String name = new String(b, i, end - i, StandardCharsets.UTF_8).trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            }
            names.add(name);
            if (end >= b.length) {
                break;
            }
            i = end + 1;
        }
        return names;
    }

    /** Up to 40 bytes of a cell for an error message, line breaks and other controls shown as escapes. */
    private static String snippet(byte[] b, int from, int to) {
        String text = new String(b, from, Math.min(to - from, 40), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? '?' : c);
            }
        }
        return sb.toString();
    }

    /** End (exclusive) of the field starting at {@code start}, honouring double quotes. */
    private static int fieldEnd(byte[] b, int start, int to) {
        int i = start;
        if (i < to && b[i] == '"') {
            i++;
            while (i < to) {
                if (b[i] == '"') {
                    if (i + 1 < to && b[i + 1] == '"') {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
        }
        while (i < to && b[i] != ',') {
            i++;
        }
        return i;
    }

    /**
     * Splits a byte stream into RFC 4180 records in one reusable buffer, tracking quotes so that
     * a line break inside a quoted field does not end the record. The scan state survives buffer
     * refills, so every byte is looked at once. Not thread-safe.
     */
    private static final class RecordReader {
        private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        private final InputStream in;
        byte[] buf;
        private int filled;
        private int pos;
        private boolean eof;
        /** The current record: {@code [start, contentEnd)} without, {@code [start, end)} with its line break. */
        int start;
        int contentEnd;
        int end;
        /** Physical line (1-based) the current record starts on. */
        long firstLine;
        private long nextLine = 1;
        private boolean firstRecord = true;
        // Scan state of the record being read, kept across refills.
        private int scanned;
        private boolean quoted;
        /** Buffer index of the quote that last closed a quoted field in this record, or -2. */
        private int closedAt = -2;
        private long breaks;
        private long quoteLine;

        RecordReader(InputStream in, int initialBytes) {
            this.in = in;
            this.buf = new byte[initialBytes];
        }

        /** Advances to the next record; false at the end of the input. */
        boolean next() throws IOException {
            while (true) {
                // The state lives in locals while scanning and is written back before leaving.
                // Only '\n' and '"' change the state, so every byte above '"' in ASCII (digits,
                // letters, ',', '.') takes one comparison; whether a quote opens a field is
                // decided from the byte before it, only when a quote turns up.
                boolean q = quoted;
                long br = breaks;
                int closed = closedAt;
                int i = pos + scanned;
                for (; i < filled; i++) {
                    byte c = buf[i];
                    if (c > '"') {
                        continue; // neither a line break nor a quote, inside quotes or not
                    }
                    if (q) {
                        if (c == '"') {
                            q = false;
                            closed = i;
                        } else if (c == '\n') {
                            br++;
                        }
                        continue;
                    }
                    if (c == '\n') {
                        breaks = br;
                        quoted = false;
                        return finish(i + 1, i);
                    }
                    if (c == '"') {
                        if (i == closed + 1) {
                            q = true; // the second of a doubled "": still inside the quoted field
                        } else if (i == pos || buf[i - 1] == ',' || (firstRecord && i == BOM.length && startsWithBom())) {
                            q = true; // an opening quote at the start of a field
                            quoteLine = nextLine + br;
                        }
                    }
                }
                quoted = q;
                breaks = br;
                closedAt = closed;
                scanned = i - pos;
                if (eof) {
                    if (quoted) {
                        throw new CorrectionException("line " + quoteLine + ": a quoted field opened on this line is "
                                + "never closed (the file ends inside it); is a closing \" missing?");
                    }
                    if (pos == filled) {
                        return false;
                    }
                    return finish(filled, filled);
                }
                if (filled - pos > MAX_LINE_BYTES) {
                    throw tooLong();
                }
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, filled - pos);
                    filled -= pos;
                    closedAt = closedAt >= pos ? closedAt - pos : -2;
                    pos = 0;
                }
                if (filled == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    eof = true;
                } else {
                    filled += n;
                }
            }
        }

        /** True when the input starts with a UTF-8 byte order mark (only asked while on the first record). */
        private boolean startsWithBom() {
            return pos == 0 && filled >= BOM.length && buf[0] == BOM[0] && buf[1] == BOM[1] && buf[2] == BOM[2];
        }

        /** Ends the current record at {@code recordEnd}; {@code breakAt} is where its line break starts. */
        private boolean finish(int recordEnd, int breakAt) throws CorrectionException {
            if (recordEnd - pos > MAX_LINE_BYTES + 1) {
                throw tooLong();
            }
            start = pos;
            end = recordEnd;
            contentEnd = breakAt > pos && buf[breakAt - 1] == '\r' ? breakAt - 1 : breakAt;
            pos = recordEnd;
            firstLine = nextLine;
            nextLine += breaks + 1;
            firstRecord = false;
            scanned = 0;
            breaks = 0;
            closedAt = -2;
            return true;
        }

        private CorrectionException tooLong() {
            String why = quoted ? "; a quoted field opened on line " + quoteLine + " may be missing its closing \""
                    : "; is this a CSV file?";
            return new CorrectionException("line " + nextLine + ": a record is longer than " + MAX_LINE_BYTES
                    + " bytes" + why);
        }
    }
}
