package io.lockstep.correct;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Streams a CSV file and maps one timestamp column between the local and the reference clock
 * with a {@link CorrectionModel}, leaving every other byte of every row as it was (line
 * endings included). Works on bytes, not characters: delimiters, quotes and digits are ASCII,
 * and UTF-8 never uses those byte values inside other characters, so no decoding is needed.
 * Constant memory whatever the file's size: one line buffer of 1 MiB that grows to at most
 * 2 MiB when a line (up to {@link #MAX_LINE_BYTES}) straddles a read; a longer line is an
 * error. Rows
 * whose timestamp does not parse are copied unchanged and reported (or stop the run when
 * {@code failOnUnparsable}); timestamps outside the log's span are handled by the
 * {@link OutsidePolicy} and reported with their line numbers. Not thread-safe; one instance
 * per run.
 */
public final class CsvCorrector {

    /** Longest line accepted, in bytes. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    /** Thrown when a row stops the run; the message names the line and the flag that would let it pass. */
    public static final class CorrectionException extends IOException {
        public CorrectionException(String message) {
            super(message);
        }
    }

    private final CorrectionModel model;
    private final String column;
    private final TimestampUnit unit;
    private final boolean referenceToLocal;
    private final OutsidePolicy outsidePolicy;
    private final boolean failOnUnparsable;

    /**
     * @param model            the clock map from the offset log
     * @param column           header name of the timestamp column
     * @param unit             unit of the column
     * @param referenceToLocal false (usual): the column is in the clock of the host that ran
     *                         {@code track}, map it to the reference; true: the column is in the
     *                         tracked clock (e.g. a Neon phone tracked from the PC), map it to the local clock
     * @param outsidePolicy    what to do with timestamps outside the log's span
     * @param failOnUnparsable stop at the first unparsable timestamp instead of copying and reporting it
     */
    public CsvCorrector(CorrectionModel model, String column, TimestampUnit unit, boolean referenceToLocal,
                        OutsidePolicy outsidePolicy, boolean failOnUnparsable) {
        this.model = model;
        this.column = column;
        this.unit = unit;
        this.referenceToLocal = referenceToLocal;
        this.outsidePolicy = outsidePolicy;
        this.failOnUnparsable = failOnUnparsable;
    }

    /**
     * Corrects {@code in} into {@code out}; neither is closed, {@code out} is flushed.
     *
     * @throws CorrectionException when the column is missing, a line is too long, or a row
     *         stops the run by policy
     */
    public CorrectionReport correct(InputStream in, OutputStream out) throws IOException {
        LineReader lines = new LineReader(in);
        CorrectionReport report = new CorrectionReport();
        if (!lines.next()) {
            throw new CorrectionException("the input is empty; expected a header line naming the column '" + column + "'");
        }
        int index = columnIndex(new String(lines.buf, lines.start, lines.contentEnd - lines.start, StandardCharsets.UTF_8));
        out.write(lines.buf, lines.start, lines.end - lines.start);
        CorrectionModel.Cursor cursor = model.cursor();
        StringBuilder number = new StringBuilder(32);
        byte[] digits = new byte[32];
        long lineNumber = 1;
        while (lines.next()) {
            lineNumber++;
            byte[] b = lines.buf;
            int lineStart = lines.start;
            int contentEnd = lines.contentEnd;
            int lineEnd = lines.end;
            if (contentEnd == lineStart) {
                out.write(b, lineStart, lineEnd - lineStart);
                continue;
            }
            report.row();
            int start = fieldStart(b, lineStart, contentEnd, index);
            int end = start < 0 ? -1 : fieldEnd(b, start, contentEnd);
            int valueStart = start;
            int valueEnd = end;
            long value;
            try {
                if (start < 0) {
                    throw new NumberFormatException("the line has too few columns");
                }
                if (end - start >= 2 && b[start] == '"' && b[end - 1] == '"') {
                    valueStart++;
                    valueEnd--;
                }
                value = unit.parseNanos(b, valueStart, valueEnd);
            } catch (RuntimeException e) {
                if (failOnUnparsable) {
                    String what = start < 0 ? "the row has no column '" + column + "'"
                            : "'" + new String(b, valueStart, Math.min(valueEnd - valueStart, 40), StandardCharsets.UTF_8)
                            + "' in column '" + column + "' is not a number in " + unit.name().toLowerCase(Locale.ROOT);
                    throw new CorrectionException("line " + lineNumber + ": " + what
                            + "; pass --bad-rows keep to copy such rows unchanged");
                }
                report.unparsable(lineNumber);
                out.write(b, lineStart, lineEnd - lineStart);
                continue;
            }
            long mapped;
            boolean covered;
            if (referenceToLocal) {
                mapped = cursor.toLocal(value);
                covered = cursor.covered();
            } else {
                covered = cursor.locate(value);
                mapped = cursor.toReference(value);
            }
            if (!covered) {
                report.outside(lineNumber);
                switch (outsidePolicy) {
                    case FAIL -> throw new CorrectionException("line " + lineNumber + ": timestamp "
                            + new String(b, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8).trim()
                            + " is outside the offset log's span; pass --outside extrapolate, keep or blank to go on");
                    case KEEP -> {
                        out.write(b, lineStart, lineEnd - lineStart);
                        continue;
                    }
                    case BLANK -> {
                        out.write(b, lineStart, start - lineStart);
                        out.write(b, end, lineEnd - end);
                        continue;
                    }
                    case EXTRAPOLATE -> {
                    }
                }
            }
            report.corrected(cursor.boundNanos());
            number.setLength(0);
            unit.format(mapped, number);
            int len = number.length();
            for (int i = 0; i < len; i++) {
                digits[i] = (byte) number.charAt(i);
            }
            out.write(b, lineStart, valueStart - lineStart);
            out.write(digits, 0, len);
            out.write(b, valueEnd, lineEnd - valueEnd);
        }
        out.flush();
        return report;
    }

    private int columnIndex(String header) throws CorrectionException {
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
        int index = names.indexOf(column);
        if (index < 0) {
            throw new CorrectionException("no column named '" + column + "'; the header has " + names);
        }
        return index;
    }

    /** Start of field {@code index} within {@code [from, to)}, or -1 when the line has fewer fields. */
    private static int fieldStart(byte[] b, int from, int to, int index) {
        int pos = from;
        for (int f = 0; f < index; f++) {
            int end = fieldEnd(b, pos, to);
            if (end >= to) {
                return -1;
            }
            pos = end + 1;
        }
        return pos;
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

    /** Splits a byte stream into lines in one reusable buffer; not thread-safe. */
    private static final class LineReader {
        private final InputStream in;
        byte[] buf = new byte[1 << 20];
        private int filled;
        private int pos;
        private boolean eof;
        int start;
        int contentEnd;
        int end;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** Advances to the next line: {@code [start, contentEnd)} without, {@code [start, end)} with its line break. */
        boolean next() throws IOException {
            int scan = pos;
            while (true) {
                for (int i = scan; i < filled; i++) {
                    if (buf[i] == '\n') {
                        if (i - pos > MAX_LINE_BYTES) {
                            throw new CorrectionException("a line is longer than " + MAX_LINE_BYTES
                                    + " bytes; is this a CSV file?");
                        }
                        start = pos;
                        end = i + 1;
                        contentEnd = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                        pos = end;
                        return true;
                    }
                }
                if (eof) {
                    if (pos == filled) {
                        return false;
                    }
                    start = pos;
                    end = filled;
                    contentEnd = filled > pos && buf[filled - 1] == '\r' ? filled - 1 : filled;
                    pos = filled;
                    return true;
                }
                if (filled - pos > MAX_LINE_BYTES) {
                    throw new CorrectionException("a line is longer than " + MAX_LINE_BYTES + " bytes; is this a CSV file?");
                }
                scan = filled - pos;
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, filled - pos);
                    filled -= pos;
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
    }
}
