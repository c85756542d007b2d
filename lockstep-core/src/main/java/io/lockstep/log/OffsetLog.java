package io.lockstep.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;

/**
 * The offset log written by {@code lockstep track} and read by {@code lockstep correct}: a CSV
 * file with one row per exchange, appended crash-safely. Each row goes to the file in a single
 * unbuffered append, so killing the process loses at most the row being written; opening an
 * existing log cuts off such a torn last row and appends after the intact ones, so a restarted
 * tracker continues the same file. Not thread-safe: one writer per file.
 *
 * <p>Columns ({@link #HEADER}), all times in ns:
 * <ul>
 *   <li>{@code local_ns}: local wall time (UTC ns) of the exchange's midpoint;</li>
 *   <li>{@code reference_ns}: the reference clock's time at that instant, by the model
 *       ({@code local_ns − filtered_offset_ns}); empty while unsynced;</li>
 *   <li>{@code roundtrip_ns}: the exchange's round trip, without the remote's processing time;</li>
 *   <li>{@code raw_offset_ns}: the exchange's own offset {@code local − reference};</li>
 *   <li>{@code filtered_offset_ns}: the model's offset at {@code local_ns};</li>
 *   <li>{@code error_bound_ns}: the truth lies within {@code filtered_offset_ns ± error_bound_ns};</li>
 *   <li>{@code drift_ppm}: how fast the remote clock runs relative to the local one, in ppm
 *       (positive = remote fast, the sign of {@code serve --simulate-drift}); the offset changes
 *       at minus this rate;</li>
 *   <li>{@code state}: UNSYNCED, SYNCING, SYNCED or HOLDOVER;</li>
 *   <li>{@code verdict}: ACCEPTED, DELAYED, OUTLIER, STEP or DROPPED;</li>
 *   <li>{@code segment}: increments at each detected step and at each restart; correction
 *       never fits across a segment boundary;</li>
 *   <li>{@code resolution_ns}: resolution of the remote's stamps (1 ms for Time Echo).</li>
 * </ul>
 * Dropped exchanges leave {@code roundtrip_ns} and {@code raw_offset_ns} empty.
 *
 * <p>Reading is strict, because a damaged log would silently bend every corrected timestamp:
 * a log is ASCII text with lines of at most {@value #MAX_LINE_BYTES} bytes, every cell must
 * parse as its column says, and a violation is a {@link FormatException} naming the file, the
 * line and the column.
 */
public final class OffsetLog implements Closeable {

    /** The header line, without its line break. */
    public static final String HEADER = "local_ns,reference_ns,roundtrip_ns,raw_offset_ns,filtered_offset_ns,"
            + "error_bound_ns,drift_ppm,state,verdict,segment,resolution_ns";

    /** One parsed row; {@code roundTripNanos} is -1 for dropped exchanges, {@code errorBoundNanos} -1 while unsynced. */
    public record Row(long localNanos, long roundTripNanos, long rawOffsetNanos, long filteredOffsetNanos,
                      long errorBoundNanos, double driftPpm, ClockState state, SampleVerdict verdict, int segment,
                      long resolutionNanos) {
    }

    /** Longest line a reader accepts, in bytes: a row is under 300; anything far longer is not a log. */
    public static final int MAX_LINE_BYTES = 4096;

    private static final String[] COLUMNS = HEADER.split(",");

    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    /**
     * The file is not a well-formed offset log (wrong header, bytes that are not text, an
     * overlong line, a cell that does not parse, rows out of time order); the message is one
     * line naming the file and where.
     */
    public static final class FormatException extends IOException {
        public FormatException(String message) {
            super(message);
        }
    }

    /** Rows between forced writes to the storage device (a killed process loses nothing either way). */
    static final int SYNC_EVERY_ROWS = 60;

    private final FileChannel channel;
    private final int nextSegment;
    private int rowsSinceSync;

    private OffsetLog(FileChannel channel, int nextSegment) {
        this.channel = channel;
        this.nextSegment = nextSegment;
    }

    /**
     * Opens {@code path} for appending, creating it with a header when missing or empty. An
     * existing file must start with {@link #HEADER}; a torn last row (no line break) is cut off.
     *
     * @throws IOException with a clear message when the file is not an offset log
     */
    public static OffsetLog openAppend(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            // Two trackers appending to one log would interleave rows of different segments.
            java.nio.channels.FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException(path + " is in use by another `lockstep track`; give each tracker its own log");
            }
            int lastSegment = -1;
            long size = ch.size();
            if (size > 0) {
                String head = readHead(ch);
                if (!head.equals(HEADER)) {
                    throw new IOException(path + " is not a Lockstep offset log (its first line is not the expected header)");
                }
                long keep = lastLineBreak(ch, size) + 1;
                if (keep < size) {
                    ch.truncate(keep);
                }
                lastSegment = lastSegment(ch, keep);
            }
            if (ch.size() == 0) {
                write(ch, HEADER + "\n");
            }
            ch.position(ch.size());
            // The lock lives as long as the channel: closing it releases the lock.
            return new OffsetLog(ch, lastSegment + 1);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The segment number a tracker appending to this log should start with. */
    public int nextSegment() {
        return nextSegment;
    }

    /**
     * Appends one row in a single write. Every {@value #SYNC_EVERY_ROWS} rows the file is forced
     * to the storage device, so a power loss costs at most that many rows, never a hole of zeros
     * in the middle.
     */
    public void append(TrackRecord r) throws IOException {
        write(channel, format(r));
        if (++rowsSinceSync >= SYNC_EVERY_ROWS) {
            sync();
        }
    }

    /** Forces written rows to the storage device (for power loss; a killed process loses nothing written). */
    public void sync() throws IOException {
        channel.force(false);
        rowsSinceSync = 0;
    }

    /** Forces what was written, releases the lock and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                sync();
            }
        } finally {
            channel.close(); // also releases the lock
        }
    }

    /** Formats one row with its line break. */
    public static String format(TrackRecord r) {
        StringBuilder sb = new StringBuilder(128);
        boolean synced = r.errorBoundNanos() >= 0;
        sb.append(r.localNanos()).append(',');
        if (synced) {
            sb.append(r.referenceNanos());
        }
        sb.append(',');
        if (r.hasSample()) {
            sb.append(r.roundTripNanos()).append(',').append(r.rawOffsetNanos());
        } else {
            sb.append(',');
        }
        sb.append(',');
        if (synced) {
            sb.append(r.filteredOffsetNanos()).append(',').append(r.errorBoundNanos()).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", r.driftPpm()));
        } else {
            sb.append(",,");
        }
        sb.append(',').append(r.state()).append(',').append(r.verdict()).append(',').append(r.segment()).append(',')
                .append(r.resolutionNanos()).append('\n');
        return sb.toString();
    }

    /**
     * Parses one data row.
     *
     * @throws IllegalArgumentException naming the line, the column and the value when the row is
     *         malformed
     */
    public static Row parse(String line, long lineNumber) {
        String[] f = line.split(",", -1);
        String where = "offset log line " + lineNumber + ": ";
        if (f.length != COLUMNS.length) {
            throw new IllegalArgumentException(where + "expected " + COLUMNS.length + " columns, found " + f.length);
        }
        try {
            return new Row(whole(f, 0, Long.MIN_VALUE), whole(f, 2, -1), whole(f, 3, 0), whole(f, 4, 0),
                    whole(f, 5, -1), drift(f[6]), ClockState.valueOf(f[7]), SampleVerdict.valueOf(f[8]),
                    Math.toIntExact(whole(f, 9, Long.MIN_VALUE)), whole(f, 10, Long.MIN_VALUE));
        } catch (CellException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + "segment " + quote(f[9]) + " is out of range");
        } catch (IllegalArgumentException e) {
            // ClockState.valueOf / SampleVerdict.valueOf
            int column = isEnum(f[7], ClockState.values()) ? 8 : 7;
            Enum<?>[] allowed = column == 7 ? ClockState.values() : SampleVerdict.values();
            throw new IllegalArgumentException(where + COLUMNS[column] + " " + quote(f[column]) + " is not one of "
                    + java.util.Arrays.toString(allowed).replace("[", "").replace("]", ""));
        }
    }

    /** A cell that does not parse; the message names the column and the value. */
    private static final class CellException extends RuntimeException {
        CellException(String message) {
            super(message, null, false, false);
        }
    }

    /** Column {@code i} as a whole number; {@code whenEmpty} for an empty cell, or MIN_VALUE when it must not be empty. */
    private static long whole(String[] f, int i, long whenEmpty) {
        String cell = f[i];
        if (cell.isEmpty()) {
            if (whenEmpty == Long.MIN_VALUE) {
                throw new CellException(COLUMNS[i] + " is empty");
            }
            return whenEmpty;
        }
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            throw new CellException(COLUMNS[i] + " " + quote(cell) + " is not a whole number");
        }
    }

    private static double drift(String cell) {
        if (cell.isEmpty()) {
            return Double.NaN;
        }
        // Only plain decimals: Double.parseDouble would also take NaN, Infinity, hex and a d/f suffix.
        if (!DECIMAL.matcher(cell).matches()) {
            throw new CellException("drift_ppm " + quote(cell) + " is not a finite number");
        }
        double v = Double.parseDouble(cell);
        if (!Double.isFinite(v)) {
            throw new CellException("drift_ppm " + quote(cell) + " is not a finite number");
        }
        return v;
    }

    private static boolean isEnum(String cell, Enum<?>[] values) {
        for (Enum<?> v : values) {
            if (v.name().equals(cell)) {
                return true;
            }
        }
        return false;
    }

    /** A cell for an error message: quoted, at most 40 characters, controls shown as '?'. */
    private static String quote(String cell) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < Math.min(cell.length(), 40); i++) {
            char c = cell.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.append(cell.length() > 40 ? "…'" : "'").toString();
    }

    /** Receives rows of a log as it is read. */
    @FunctionalInterface
    public interface RowHandler {
        void row(Row row, long lineNumber) throws IOException;
    }

    /**
     * Streams the rows of a log to {@code handler} in file order; a torn last row (no line break,
     * left by a killed writer) is skipped. Works on bytes: a log is ASCII, so a byte outside
     * printable ASCII is reported on its own line instead of failing somewhere in a decoder.
     *
     * @throws FormatException when the file is not an offset log or a complete row is malformed
     * @throws IOException     when the file cannot be read, or as thrown by {@code handler}
     */
    public static void read(Path path, RowHandler handler) throws IOException {
        try (java.io.InputStream file = Files.newInputStream(path)) {
            Bytes in = new Bytes(file);
            byte[] line = new byte[MAX_LINE_BYTES + 1];
            long lineNumber = 0;
            while (true) {
                int length = 0;
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    if (length == line.length) {
                        if (lineNumber == 0) {
                            throw notALog(path);
                        }
                        throw new FormatException(path + ": line " + (lineNumber + 1) + " is longer than " + MAX_LINE_BYTES
                                + " bytes; is this an offset log?");
                    }
                    line[length++] = (byte) b;
                }
                if (length > 0 && line[length - 1] == '\r') {
                    length--; // tolerate a log saved with CRLF line endings
                }
                if (lineNumber == 0 && !new String(line, 0, length, StandardCharsets.ISO_8859_1).equals(HEADER)) {
                    throw notALog(path);
                }
                if (b < 0) {
                    return; // the end, or a torn last row: the writer was killed mid-row
                }
                if (++lineNumber == 1) {
                    continue;
                }
                if (length == 0) {
                    continue;
                }
                for (int i = 0; i < length; i++) {
                    if (line[i] < 0x20 || line[i] == 0x7f) { // bytes 0x80-0xFF are negative
                        throw new FormatException(String.format(Locale.ROOT,
                                "%s: line %d is not text (byte 0x%02X at position %d); is this an offset log?", path,
                                lineNumber, line[i] & 0xff, i + 1));
                    }
                }
                Row row;
                try {
                    row = parse(new String(line, 0, length, StandardCharsets.US_ASCII), lineNumber);
                } catch (IllegalArgumentException e) {
                    throw new FormatException(path + ": " + e.getMessage());
                }
                handler.row(row, lineNumber);
            }
        }
    }

    /** Unsynchronized buffered bytes of a stream (BufferedInputStream locks on every read()). */
    private static final class Bytes {
        private final java.io.InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int filled;
        private int pos;

        Bytes(java.io.InputStream in) {
            this.in = in;
        }

        /** The next byte as 0-255, or -1 at the end. */
        int read() throws IOException {
            if (pos == filled) {
                int n;
                do {
                    n = in.read(buf);
                } while (n == 0);
                if (n < 0) {
                    return -1;
                }
                filled = n;
                pos = 0;
            }
            return buf[pos++] & 0xff;
        }
    }

    private static FormatException notALog(Path path) {
        return new FormatException(path + " is not a Lockstep offset log (its first line is not the header "
                + HEADER.substring(0, 20) + "…)");
    }

    private static String readHead(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER.length() + 1);
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static long lastLineBreak(FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        long pos = size;
        while (pos > 0) {
            int len = (int) Math.min(b.capacity(), pos);
            pos -= len;
            b.clear().limit(len);
            ch.read(b, pos);
            for (int i = len - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return pos + i;
                }
            }
        }
        return -1;
    }

    /**
     * The segment of the last row that parses, scanning back over malformed ones (a log damaged
     * by a power loss); -1 when there is none. Never restarting numbering at 0 matters: a new
     * segment must not merge with an old one of the same number.
     */
    private static int lastSegment(FileChannel ch, long size) throws IOException {
        long end = size - 1;
        for (int rows = 0; end > HEADER.length() && rows < 10_000; rows++) {
            long start = lastLineBreak(ch, end) + 1;
            ByteBuffer b = ByteBuffer.allocate((int) (end - start));
            ch.read(b, start);
            String line = new String(b.array(), StandardCharsets.UTF_8);
            try {
                return parse(line, -1).segment();
            } catch (IllegalArgumentException malformed) {
                end = start - 1;
            }
        }
        return -1;
    }

    private static void write(FileChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
