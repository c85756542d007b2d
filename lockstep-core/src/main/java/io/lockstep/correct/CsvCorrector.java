package io.lockstep.correct;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a CSV file and maps one timestamp column between the local and the reference clock
 * with a {@link CorrectionModel}, leaving every other byte of every row as it was. Constant
 * memory: one line at a time. Rows whose timestamp does not parse are copied unchanged and
 * reported (or stop the run when {@code failOnUnparsable}); timestamps outside the log's span
 * are handled by the {@link OutsidePolicy} and reported with their line numbers. Not
 * thread-safe; one instance per run.
 */
public final class CsvCorrector {

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
     * Corrects {@code in} into {@code out}; neither is closed.
     *
     * @throws CorrectionException when the column is missing or a row stops the run by policy
     */
    public CorrectionReport correct(Reader in, Writer out) throws IOException {
        BufferedReader reader = in instanceof BufferedReader br ? br : new BufferedReader(in, 1 << 16);
        CorrectionReport report = new CorrectionReport();
        String header = readLineKeepingEnd(reader);
        if (header == null) {
            throw new CorrectionException("the input is empty; expected a header line naming the column '" + column + "'");
        }
        String eol = header.endsWith("\r\n") ? "\r\n" : "\n";
        String headerText = stripEnd(header);
        int index = columnIndex(headerText);
        out.write(header.endsWith("\n") ? header : header + eol);
        CorrectionModel.Cursor cursor = model.cursor();
        StringBuilder sb = new StringBuilder(256);
        long lineNumber = 1;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isEmpty()) {
                out.write(eol);
                continue;
            }
            report.row();
            int start = fieldStart(line, index);
            int end = start < 0 ? -1 : fieldEnd(line, start);
            long value;
            int valueStart = start;
            int valueEnd = end;
            try {
                if (start < 0) {
                    throw new NumberFormatException("too few columns");
                }
                if (end - start >= 2 && line.charAt(start) == '"' && line.charAt(end - 1) == '"') {
                    valueStart++;
                    valueEnd--;
                }
                value = unit.parseNanos(line, valueStart, valueEnd);
            } catch (RuntimeException e) {
                if (failOnUnparsable) {
                    throw new CorrectionException("line " + lineNumber + ": cannot read '" + column + "' as a number in "
                            + unit.name().toLowerCase(java.util.Locale.ROOT) + " (" + e.getMessage()
                            + "); pass --bad-rows keep to copy such rows unchanged");
                }
                report.unparsable(lineNumber);
                out.write(line);
                out.write(eol);
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
                    case FAIL -> throw new CorrectionException("line " + lineNumber + ": timestamp " + line.substring(
                            valueStart, valueEnd).trim() + " is outside the offset log's span; pass --outside "
                            + "extrapolate, keep or blank to go on");
                    case KEEP -> {
                        out.write(line);
                        out.write(eol);
                        continue;
                    }
                    case BLANK -> {
                        sb.setLength(0);
                        sb.append(line, 0, start).append(line, end, line.length()).append(eol);
                        out.append(sb);
                        continue;
                    }
                    case EXTRAPOLATE -> {
                    }
                }
            }
            report.corrected(cursor.boundNanos());
            sb.setLength(0);
            sb.append(line, 0, valueStart);
            unit.format(mapped, sb);
            sb.append(line, valueEnd, line.length()).append(eol);
            out.append(sb);
        }
        out.flush();
        return report;
    }

    private int columnIndex(String header) throws CorrectionException {
        List<String> names = new ArrayList<>();
        int i = 0;
        while (true) {
            int end = fieldEnd(header, i);
            String name = header.substring(i, end).trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            }
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            names.add(name);
            if (end >= header.length()) {
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

    /** Start of field {@code index}, or -1 when the line has fewer fields. */
    private static int fieldStart(String line, int index) {
        int pos = 0;
        for (int f = 0; f < index; f++) {
            int end = fieldEnd(line, pos);
            if (end >= line.length()) {
                return -1;
            }
            pos = end + 1;
        }
        return pos;
    }

    /** End (exclusive) of the field starting at {@code start}, honouring double quotes. */
    private static int fieldEnd(String line, int start) {
        int i = start;
        int n = line.length();
        if (i < n && line.charAt(i) == '"') {
            i++;
            while (i < n) {
                if (line.charAt(i) == '"') {
                    if (i + 1 < n && line.charAt(i + 1) == '"') {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
        }
        while (i < n && line.charAt(i) != ',') {
            i++;
        }
        return i;
    }

    private static String readLineKeepingEnd(BufferedReader reader) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = reader.read()) >= 0) {
            sb.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String stripEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }
}
