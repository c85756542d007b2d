package io.lockstep.correct;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Corrects a whole export folder, as Pupil Cloud or Neon Player write them: every CSV file with
 * a column whose name ends in {@value #COLUMN_SUFFIX} ({@code timestamp [ns]} in gaze.csv,
 * events.csv, world_timestamps.csv, imu.csv, 3d_eye_states.csv; {@code start timestamp [ns]}
 * and {@code end timestamp [ns]} in fixations.csv, blinks.csv, saccades.csv), or that is one of
 * {@link #SECTION_COLUMNS} (an enrichment's sections.csv), has those columns mapped by a
 * {@link CsvCorrector}, in every subfolder; every other file and folder is copied
 * byte for byte (symbolic links as links). A recording's {@value #INFO_FILE} has its
 * {@code start_time} (ns, the phone's clock) mapped too, the rest of its text kept byte for
 * byte. Durations ({@code duration [ms]}, info.json's {@code duration}) are differences of
 * one clock and stay as they are; so do the times in a scene video's file name. The headers are read first, so an export with nothing to
 * correct is refused before anything is copied, and an export that already holds a
 * {@value #REPORT_FILE} (this tool's output) is refused because correcting it again would apply
 * the offset twice. Streams every file, so memory does not grow with its size. Not thread-safe;
 * one instance per run.
 */
public final class ExportCorrector {

    /** A column is a timestamp to correct when its name ends with this (ignoring case). */
    public static final String COLUMN_SUFFIX = "timestamp [ns]";

    /** Pupil Cloud's sections.csv names its UTC timestamps this way, without the word "timestamp". */
    public static final List<String> SECTION_COLUMNS = List.of("section start time [ns]", "section end time [ns]");

    /** The report a corrected export carries; its presence marks a folder as already corrected. */
    public static final String REPORT_FILE = "correction_report.txt";

    /** A recording's metadata file, whose {@code start_time} is mapped as well. */
    public static final String INFO_FILE = "info.json";

    /** The fields of a recording's info.json that name the phone that recorded it, most specific first. */
    public static final List<String> PHONE_FIELDS = List.of("android_device_name", "android_device_id",
            "module_serial_number", "glasses_serial_number");

    private static final java.util.regex.Pattern START_TIME =
            java.util.regex.Pattern.compile("(\"start_time\"\\s*:\\s*)(-?\\d{1,19})(?![\\d.eE])");

    /** Bytes read between two {@link Listener#progress} calls for one file. */
    public static final long PROGRESS_EVERY_BYTES = 16L << 20;

    /** Follows a run; called on the running thread. */
    public interface Listener {
        /** {@code bytesRead} of {@code file}'s {@code bytesTotal} have been corrected so far. */
        void progress(String file, long bytesRead, long bytesTotal);
    }

    /**
     * What happened to one file.
     *
     * @param file    path relative to the export folder, with '/' separators
     * @param bytes   size of the input file
     * @param report  the correction, or null when the file was copied unchanged
     */
    public record FileResult(String file, long bytes, CorrectionReport report) {
        /** True when timestamp columns were corrected, false when the file was copied byte for byte. */
        public boolean corrected() {
            return report != null;
        }
    }

    private final CorrectionModel model;
    private final ClockDirection direction;
    private final OutsidePolicy outsidePolicy;
    private final boolean failOnUnparsable;

    /** The arguments are those of {@link CsvCorrector}. */
    public ExportCorrector(CorrectionModel model, ClockDirection direction, OutsidePolicy outsidePolicy,
                           boolean failOnUnparsable) {
        this.model = model;
        this.direction = java.util.Objects.requireNonNull(direction, "direction");
        this.outsidePolicy = outsidePolicy;
        this.failOnUnparsable = failOnUnparsable;
    }

    /** The timestamp columns of a header: the names ending with {@value #COLUMN_SUFFIX}, and {@link #SECTION_COLUMNS}. */
    public static List<String> timestampColumns(List<String> header) {
        List<String> columns = new ArrayList<>();
        for (String name : header) {
            String lower = name.toLowerCase(Locale.ROOT);
            if ((lower.endsWith(COLUMN_SUFFIX) || SECTION_COLUMNS.contains(lower)) && !columns.contains(name)) {
                columns.add(name);
            }
        }
        return columns;
    }

    /**
     * Corrects {@code exportDir} into {@code outDir}, which must exist and is written into
     * (files of the same name are replaced). Files come in path order.
     *
     * @return one result per file, in path order
     * @throws CsvCorrector.CorrectionException when the folder has nothing to correct, is already
     *         corrected, or a file stops the run (the message starts with the file's path)
     * @throws IOException when a file cannot be read or written
     */
    public List<FileResult> correct(Path exportDir, Path outDir, Listener listener) throws IOException {
        if (Files.exists(exportDir.resolve(REPORT_FILE), LinkOption.NOFOLLOW_LINKS)) {
            throw new CsvCorrector.CorrectionException(exportDir + " holds " + REPORT_FILE + ", so it is already corrected; "
                    + "correcting it again would apply the offset twice. Correct the original export");
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(exportDir)) {
            entries = walk.filter(p -> !p.equals(exportDir))
                    .sorted(Comparator.comparing(p -> relative(exportDir, p))).toList();
        }
        // Headers first: nothing is copied when nothing would be corrected.
        List<List<String>> columns = new ArrayList<>(entries.size());
        boolean any = false;
        for (Path p : entries) {
            List<String> found = List.of();
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                try (InputStream in = Files.newInputStream(p)) {
                    found = timestampColumns(CsvCorrector.headerNames(in));
                } catch (CsvCorrector.CorrectionException unreadableHeader) {
                    found = List.of(); // an empty or headerless CSV has nothing to correct: copied as it is
                }
            }
            columns.add(found);
            any |= !found.isEmpty();
        }
        if (!any) {
            throw new CsvCorrector.CorrectionException("no CSV file in " + exportDir + " has a column ending in '"
                    + COLUMN_SUFFIX + "'; is it a Neon or Pupil Cloud export folder?");
        }
        List<FileResult> results = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Path p = entries.get(i);
            String rel = relative(exportDir, p);
            Path target = outDir.resolve(rel);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(target);
                continue;
            }
            if (Files.isSymbolicLink(p)) {
                Files.deleteIfExists(target);
                Files.copy(p, target, LinkOption.NOFOLLOW_LINKS);
                continue;
            }
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new CsvCorrector.CorrectionException(rel + " is neither a file, a folder nor a link; "
                        + "remove it from the export or copy the export without it");
            }
            long bytes = Files.size(p);
            if (p.getFileName().toString().equals(INFO_FILE) && bytes <= (1 << 20)) {
                FileResult info = correctInfo(p, target, rel, bytes);
                if (info != null) {
                    results.add(info);
                    continue;
                }
            }
            if (columns.get(i).isEmpty()) {
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                results.add(new FileResult(rel, bytes, null));
                continue;
            }
            CsvCorrector corrector = new CsvCorrector(model, columns.get(i), TimestampUnit.NS, direction,
                    outsidePolicy, failOnUnparsable);
            CorrectionReport report;
            try (InputStream in = new Counting(Files.newInputStream(p), rel, bytes, listener);
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
                report = corrector.correct(in, out);
            } catch (CsvCorrector.CorrectionException e) {
                throw new CsvCorrector.CorrectionException(rel + ": " + e.getMessage());
            }
            results.add(new FileResult(rel, bytes, report));
        }
        return results;
    }

    /**
     * Maps an info.json's {@code start_time}, keeping every other byte; null when it has none
     * (then it is copied as any other file).
     */
    private FileResult correctInfo(Path p, Path target, String rel, long bytes) throws IOException {
        String text = Files.readString(p, java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = START_TIME.matcher(text);
        if (!m.find()) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return null;
        }
        CorrectionReport report = new CorrectionReport(List.of("start_time"));
        report.row();
        CorrectionModel.Cursor cursor = model.cursor();
        long mapped;
        boolean covered;
        if (direction == ClockDirection.TRACKED_TO_LOCAL) {
            mapped = cursor.toLocal(value);
            covered = cursor.covered();
        } else {
            covered = cursor.locate(value);
            mapped = cursor.toReference(value);
        }
        long bound = cursor.boundNanos();
        String out;
        if (covered || outsidePolicy == OutsidePolicy.EXTRAPOLATE) {
            if (!covered) {
                report.outside(1);
            }
            report.corrected(bound);
            out = text.substring(0, m.start(2)) + mapped + text.substring(m.end(2));
        } else {
            report.outside(1);
            if (outsidePolicy == OutsidePolicy.FAIL) {
                throw new CsvCorrector.CorrectionException(rel + ": start_time " + value + " is outside the offset log's "
                        + "span; pass --outside extrapolate, keep or blank to go on");
            }
            // keep, or blank (a JSON number cannot be blanked without breaking readers): unchanged, reported.
            out = text;
        }
        Files.writeString(target, out, java.nio.charset.StandardCharsets.UTF_8);
        return new FileResult(rel, bytes, report);
    }

    /**
     * The phone that recorded the recording whose {@value #INFO_FILE} is given: the first of
     * {@link #PHONE_FIELDS} it holds as a non-blank string; null when it names none.
     */
    public static String phoneOf(Path infoJson) throws IOException {
        String text = Files.readString(infoJson, java.nio.charset.StandardCharsets.UTF_8);
        Object root;
        try {
            root = io.lockstep.internal.Json.parse(text);
        } catch (RuntimeException e) {
            throw new CsvCorrector.CorrectionException(infoJson + " is not JSON: " + e.getMessage());
        }
        if (root instanceof java.util.Map<?, ?> m) {
            for (String field : PHONE_FIELDS) {
                if (m.get(field) instanceof String v && !v.isBlank()) {
                    return v;
                }
            }
        }
        return null;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    /** Counts the bytes read and tells the listener every {@link #PROGRESS_EVERY_BYTES}. */
    private static final class Counting extends FilterInputStream {
        private final String file;
        private final long total;
        private final Listener listener;
        private long read;
        private long nextReport = PROGRESS_EVERY_BYTES;

        Counting(InputStream in, String file, long total, Listener listener) {
            super(in);
            this.file = file;
            this.total = total;
            this.listener = listener;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read >= nextReport && listener != null) {
                nextReport = read + PROGRESS_EVERY_BYTES;
                listener.progress(file, read, total);
            }
        }
    }
}
