package io.lockstep.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.lockstep.correct.ClockDirection;
import io.lockstep.correct.CorrectionModel;
import io.lockstep.correct.CorrectionReport;
import io.lockstep.correct.CsvCorrector;
import io.lockstep.correct.ExportCorrector;
import io.lockstep.correct.OutsidePolicy;
import io.lockstep.correct.TimestampUnit;
import io.lockstep.log.OffsetLog;
import io.lockstep.time.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep correct}: maps timestamps between the two clocks of an offset log written by
 * {@code lockstep track}, either columns of one CSV file ({@code --in}) or every
 * {@code … timestamp [ns]} column of a Neon / Pupil Cloud export folder ({@code --export}). The
 * direction must be named ({@code --from tracked --to local} or the reverse): a wrong guess would
 * silently land twice the offset away. Parses options and prints the summary; the work is
 * {@link CsvCorrector} and {@link ExportCorrector}. Output appears only when the run succeeds
 * (written to a {@link StagedOutput}, or a staged folder beside the output folder, then moved
 * into place). Bad option values and input files that are not what they should be exit 2, other
 * failures 1. Not thread-safe; one instance per invocation.
 */
@Command(name = "correct", mixinStandardHelpOptions = true,
        description = {"Maps timestamps between the two clocks of the offset log that `lockstep track --log` wrote: "
                + "the local clock (the host that ran track) and the tracked clock (the target it followed).",
                "--in/--column corrects columns of one CSV file; --export corrects every '… timestamp [ns]' column of "
                + "a Neon / Pupil Cloud export folder and copies everything else byte for byte.",
                "Example, a Neon export to the PC's clock when the PC ran `track neon://…`:",
                "  lockstep correct --log L --export DIR --out DIR2 --from tracked --to local",
                "Rows outside the log's span and unparsable rows are reported with line numbers; --outside and "
                + "--bad-rows say what to do with them."})
final class CorrectCommand implements Callable<Integer> {

    /** The two ways, in the user's words; the error for a missing direction is built from it. */
    static final String DIRECTIONS = "--from tracked --to local for data stamped by the device track followed (e.g. a "
            + "Neon export when this PC ran `track neon://…`), mapped to the clock of the host that ran track; "
            + "--from local --to tracked for data stamped by the host that ran track, mapped to the tracked clock";

    @Spec
    CommandSpec spec;

    @Option(names = "--log", required = true, paramLabel = "[PHONE=]FILE",
            description = "Offset log from `lockstep track --log`. For a Pupil Cloud download of recordings from several "
                    + "phones (--export), one 'PHONE=FILE' per phone, PHONE as the recording's info.json names it "
                    + "(android_device_name, or android_device_id, module_serial_number, glasses_serial_number).")
    List<String> logOptions;

    /** The one offset log (the first, with several), for messages and single-log corrections. */
    Path log;

    /** Per phone, its offset log, when the logs were given as PHONE=FILE; empty otherwise. */
    private final Map<String, Path> logsByPhone = new LinkedHashMap<>();

    @Option(names = "--in", paramLabel = "FILE", description = "CSV file with a header line (with --column).")
    Path in;

    @Option(names = "--column", paramLabel = "NAME",
            description = "Header name of a timestamp column of --in, e.g. 'timestamp [ns]'; repeat it for several "
                    + "columns of one clock and unit (a fixation's start and end).")
    List<String> columns;

    @Option(names = "--export", paramLabel = "DIR",
            description = "A Neon / Pupil Cloud export folder: every CSV column whose name ends in 'timestamp [ns]' is "
                    + "corrected, in every subfolder; other files are copied byte for byte.")
    Path export;

    @Option(names = "--unit", paramLabel = "ns|us|ms|s",
            description = "Unit of the --column; guessed from names like 'timestamp [ns]' or 'time_s' when omitted.")
    String unit;

    @Option(names = "--out", required = true, paramLabel = "FILE|DIR",
            description = "Where to write the corrected CSV (with --in) or the corrected export folder (with --export; "
                    + "new or empty unless --force).")
    Path out;

    @Option(names = "--from", paramLabel = "tracked|local", description = "The clock the data is stamped in.")
    String from;

    @Option(names = "--to", paramLabel = "local|tracked", description = "The clock to map it to.")
    String to;

    @Option(names = "--force", description = "With --export: write into an --out folder that is not empty, replacing "
            + "files of the same name.")
    boolean force;

    @Option(names = "--outside", paramLabel = "POLICY", defaultValue = "fail",
            description = "Timestamps outside the log's span: fail (default), extrapolate, keep (copy the row unchanged) "
                    + "or blank (empty the cell). All but fail are reported with line numbers.")
    String outside;

    @Option(names = "--bad-rows", paramLabel = "POLICY", defaultValue = "fail",
            description = "Rows whose timestamp cannot be parsed: fail (default) or keep (copy unchanged, report).")
    String badRows;

    // Replaced by --from/--to; kept hidden so that old scripts get a pointer to the new words
    // instead of picocli's "unknown option".
    @Option(names = "--reverse", hidden = true)
    boolean reverse;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (reverse) {
            throw new Cli.BadInput("--reverse is gone: name the direction instead, " + DIRECTIONS);
        }
        if ((in == null) == (export == null)) {
            throw new Cli.BadInput(in == null ? "give --in FILE --column NAME (one CSV file) or --export DIR (an export folder)"
                    : "give either --in (one CSV file) or --export (a folder), not both");
        }
        OutsidePolicy policy = option("--outside", () -> OutsidePolicy.parse(outside));
        boolean failOnBad = switch (badRows.toLowerCase(Locale.ROOT)) {
            case "fail" -> true;
            case "keep" -> false;
            default -> throw new Cli.BadInput("--bad-rows: unknown policy '" + badRows + "'; use fail or keep");
        };
        for (String value : logOptions) {
            Path file = Path.of(value);
            int eq = value.indexOf('=');
            if (!Files.exists(file) && eq > 0) {
                String phone = value.substring(0, eq).strip();
                file = Path.of(value.substring(eq + 1));
                if (logsByPhone.put(phone, file) != null) {
                    throw new Cli.BadInput("two --log options name phone '" + phone + "'");
                }
            } else if (logOptions.size() > 1) {
                throw new Cli.BadInput("several --log options each name their phone: --log 'PHONE=FILE' (got '" + value
                        + "')");
            }
            if (!Files.isRegularFile(file)) {
                throw new Cli.BadInput(Files.isDirectory(file) ? "--log " + file + " is a directory, not an offset log"
                        : "no such offset log: " + file);
            }
            if (log == null) {
                log = file;
            }
        }
        if (!logsByPhone.isEmpty() && export == null) {
            throw new Cli.BadInput("--log PHONE=FILE is for --export (a download of several phones' recordings); "
                    + "--in takes one --log FILE");
        }
        ClockDirection direction = direction();
        return export != null ? correctExport(direction, policy, failOnBad) : correctFile(direction, policy, failOnBad);
    }

    /** The direction the user named; without both words, an error that explains both ways. */
    private ClockDirection direction() {
        if (from == null || to == null) {
            String missing = from == null && to == null ? "say which clock the timestamps are in"
                    : from == null ? "--to " + to + " needs --from too" : "--from " + from + " needs --to too";
            throw new Cli.BadInput(missing + ": " + DIRECTIONS + offsetHint());
        }
        return option("--from/--to", () -> ClockDirection.of(from, to));
    }

    /** How far off a wrong direction would land, from the log, or nothing when the log does not build. */
    private String offsetHint() {
        try {
            CorrectionModel model = CorrectionModel.fromLog(log);
            CorrectionModel.Cursor c = model.cursor();
            c.locate(model.spanStartNanos());
            long offset = c.offsetNanos(model.spanStartNanos());
            return " (this log's offset local − tracked is about " + Durations.format(offset)
                    + ", so the wrong one lands " + Durations.format(Math.abs(2 * offset)) + " off)";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The header's names when the first line is plain (no quotes, under 64 KiB), else null: only
     * for telling a misspelt column from one whose unit its name does not say.
     */
    private static List<String> plainHeader(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (var reader = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            char[] buf = new char[1 << 16];
            int n = reader.read(buf);
            if (n <= 0) {
                return null;
            }
            String text = new String(buf, 0, n);
            int end = text.indexOf('\n');
            if (end < 0 && n == buf.length) {
                return null;
            }
            String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "").replace("\uFEFF", "");
            return line.indexOf('"') >= 0 ? null : List.of(line.split(",", -1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Integer correctFile(ClockDirection direction, OutsidePolicy policy, boolean failOnBad) throws IOException {
        if (columns == null || columns.isEmpty()) {
            throw new Cli.BadInput("--in needs --column NAME (the header name of the timestamp column)");
        }
        if (force) {
            throw new Cli.BadInput("--force is for --export; a single --out file is always replaced on success");
        }
        TimestampUnit u = null;
        for (String column : columns) {
            TimestampUnit guessed = unit != null ? option("--unit", () -> TimestampUnit.parse(unit))
                    : TimestampUnit.fromColumnName(column);
            if (guessed == null) {
                List<String> header = plainHeader(in);
                if (header != null && !header.contains(column)) {
                    throw new Cli.BadInput("no column named '" + column + "' in " + in + "; the header has " + header);
                }
                throw new Cli.BadInput("cannot tell the unit of column '" + column + "'; pass --unit ns|us|ms|s");
            }
            if (u != null && guessed != u) {
                throw new Cli.BadInput("the columns are in different units (" + columns + "); correct them one at a time");
            }
            u = guessed;
        }
        if (!Files.isRegularFile(in)) {
            throw new Cli.BadInput(Files.isDirectory(in) ? "--in " + in + " is a directory, not a CSV file (for an "
                    + "export folder use --export)" : "no such input file: " + in);
        }
        if (Files.isDirectory(out)) {
            throw new Cli.BadInput("--out " + out + " is a directory; give the name of the file to write");
        }
        Path outDir = out.toAbsolutePath().getParent();
        if (outDir != null && !Files.isDirectory(outDir)) {
            throw new Cli.BadInput("cannot write --out " + out + ": no such directory " + outDir);
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new Cli.BadInput("--out must not be the input file");
        }
        CorrectionReport report;
        long started;
        // Files that are not what they should be (a damaged log, a malformed CSV, rows the
        // chosen policies refuse) are bad input, exit 2; other I/O errors are failures.
        try {
            CorrectionModel model = CorrectionModel.fromLog(log);
            CsvCorrector corrector = new CsvCorrector(model, columns, u, direction, policy, failOnBad);
            started = System.nanoTime();
            try (StagedOutput staged = StagedOutput.create(out)) {
                try (InputStream r = Files.newInputStream(in);
                     OutputStream w = new BufferedOutputStream(Files.newOutputStream(staged.path()), 1 << 20)) {
                    report = corrector.correct(r, w);
                }
                staged.commit();
            }
        } catch (OffsetLog.FormatException | CsvCorrector.CorrectionException e) {
            throw new Cli.BadInput(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput("--column: " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        printFile(spec.commandLine().getOut(), report, direction, seconds);
        return 0;
    }

    private Integer correctExport(ClockDirection direction, OutsidePolicy policy, boolean failOnBad) throws IOException {
        if (columns != null || unit != null) {
            throw new Cli.BadInput((columns != null ? "--column" : "--unit") + " is for --in; --export corrects every "
                    + "column whose name ends in '" + ExportCorrector.COLUMN_SUFFIX + "'");
        }
        if (!Files.isDirectory(export)) {
            throw new Cli.BadInput(Files.exists(export) ? "--export " + export + " is a file, not an export folder (for "
                    + "one CSV file use --in and --column)" : "no such export folder: " + export);
        }
        Path source = export.toRealPath();
        Path parent = out.toAbsolutePath().normalize().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new Cli.BadInput("cannot write --out " + out + ": no such directory " + parent);
        }
        Path target = parent.toRealPath().resolve(out.toAbsolutePath().normalize().getFileName());
        if (Files.exists(target)) {
            target = target.toRealPath();
            if (!Files.isDirectory(target)) {
                throw new Cli.BadInput("--out " + out + " is a file; give a folder for the corrected export");
            }
        }
        if (target.startsWith(source) || source.startsWith(target)) {
            throw new Cli.BadInput(target.equals(source) ? "--out must not be the export folder itself"
                    : "--out " + out + " and --export " + export + " must not be inside one another; "
                    + "the export is never written to");
        }
        if (Files.isDirectory(target) && !force && !StagedFolder.isEmpty(target)) {
            throw new Cli.BadInput("--out " + out + " exists and is not empty; pass --force to write into it "
                    + "(files of the same name are replaced)");
        }
        List<Path> recordings = recordingFolders(source);
        if (!logsByPhone.isEmpty()) {
            return correctDownload(source, target, recordings, direction, policy, failOnBad);
        }
        java.util.Set<String> phones = new java.util.TreeSet<>();
        for (Path rec : recordings) {
            String phone = phone(rec);
            if (phone != null) {
                phones.add(phone);
            }
        }
        if (phones.size() > 1) {
            throw new Cli.BadInput("--export " + export + " holds recordings from " + phones.size() + " phones ("
                    + String.join(", ", phones) + "): one offset log cannot correct them all; give one --log "
                    + "'PHONE=FILE' per phone");
        }
        List<ExportCorrector.FileResult> results;
        CorrectionModel model;
        long started = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        String text;
        try (StagedFolder staged = StagedFolder.create(target)) {
            try {
                model = CorrectionModel.fromLog(log);
                Progress progress = new Progress(err);
                try {
                    results = new ExportCorrector(model, direction, policy, failOnBad)
                            .correct(source, staged.path(), progress);
                } finally {
                    progress.finish();
                }
            } catch (OffsetLog.FormatException | CsvCorrector.CorrectionException e) {
                throw new Cli.BadInput(e.getMessage(), e);
            }
            text = reportText(results, logLine(log, model), direction, target);
            Files.writeString(staged.path().resolve(ExportCorrector.REPORT_FILE), text, StandardCharsets.UTF_8);
            staged.commit();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(JsonOutput.write(exportJson(results, direction, target, seconds)));
        } else {
            w.print(text);
        }
        w.flush();
        return 0;
    }

    /** One log's line of the report: its file, its span and segments. */
    private static String logLine(Path file, CorrectionModel model) {
        return file.toAbsolutePath().normalize() + ", " + java.time.Instant.ofEpochSecond(0, model.spanStartNanos())
                + " to " + java.time.Instant.ofEpochSecond(0, model.spanEndNanos()) + " (local clock), "
                + model.segments() + (model.segments() == 1 ? " segment" : " segments");
    }

    /** The folders holding an info.json (one per recording in a Pupil Cloud download), in path order. */
    private static List<Path> recordingFolders(Path source) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(source)) {
            return walk.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(ExportCorrector.INFO_FILE)
                            && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(Path::getParent).sorted().toList();
        }
    }

    private static String phone(Path recording) throws IOException {
        try {
            return ExportCorrector.phoneOf(recording.resolve(ExportCorrector.INFO_FILE));
        } catch (CsvCorrector.CorrectionException e) {
            throw new Cli.BadInput(e.getMessage(), e);
        }
    }

    /**
     * A download of several phones' recordings: each recording folder corrected with the log of
     * the phone its info.json names; nothing is written when a recording has no log. Files outside
     * every recording folder are copied byte for byte, and any of them with timestamp columns is
     * named in the report as not corrected (no one phone's log applies to it).
     */
    private Integer correctDownload(Path source, Path target, List<Path> recordings, ClockDirection direction,
                                    OutsidePolicy policy, boolean failOnBad) throws IOException {
        if (recordings.isEmpty()) {
            throw new Cli.BadInput("--export " + export + " holds no recording folder (one with " + ExportCorrector.INFO_FILE
                    + "), so no phone to match a --log PHONE=FILE to; for one export give --log FILE");
        }
        List<String> phones = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Path rec : recordings) {
            String phone = phone(rec);
            String rel = source.relativize(rec).toString();
            phones.add(phone);
            if (phone == null) {
                missing.add(rel + " (its " + ExportCorrector.INFO_FILE + " names no phone)");
            } else if (!logsByPhone.containsKey(phone)) {
                missing.add(rel + " (phone '" + phone + "')");
            }
        }
        if (!missing.isEmpty()) {
            throw new Cli.BadInput("no offset log for " + missing.size() + (missing.size() == 1 ? " recording: " : " recordings: ")
                    + String.join(", ", missing) + "; give --log 'PHONE=FILE' for each phone (logs given for: "
                    + String.join(", ", logsByPhone.keySet()) + ")");
        }
        Map<String, CorrectionModel> models = new LinkedHashMap<>();
        long started = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        List<ExportCorrector.FileResult> results = new ArrayList<>();
        List<Map<String, Object>> perRecording = new ArrayList<>();
        List<String> notCorrected = new ArrayList<>();
        StringBuilder logLines = new StringBuilder();
        String text;
        try (StagedFolder staged = StagedFolder.create(target)) {
            try {
                for (Map.Entry<String, Path> e : logsByPhone.entrySet()) {
                    CorrectionModel m = CorrectionModel.fromLog(e.getValue());
                    models.put(e.getKey(), m);
                    logLines.append(logLines.length() == 0 ? "" : "\n            ").append(e.getKey()).append(": ")
                            .append(logLine(e.getValue(), m));
                }
                Progress progress = new Progress(err);
                try {
                    for (int i = 0; i < recordings.size(); i++) {
                        Path rec = recordings.get(i);
                        String rel = source.relativize(rec).toString().replace(java.io.File.separatorChar, '/');
                        Path into = Files.createDirectories(staged.path().resolve(rel));
                        List<ExportCorrector.FileResult> got = new ExportCorrector(models.get(phones.get(i)), direction,
                                policy, failOnBad).correct(rec, into, progress);
                        long maxBound = 0;
                        for (ExportCorrector.FileResult f : got) {
                            results.add(new ExportCorrector.FileResult(rel + "/" + f.file(), f.bytes(), f.report()));
                            if (f.report() != null) {
                                maxBound = Math.max(maxBound, f.report().maxBoundNanos());
                            }
                        }
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("folder", rel);
                        r.put("phone", phones.get(i));
                        r.put("log", logsByPhone.get(phones.get(i)).toString());
                        r.put("max_error_bound_ns", maxBound);
                        perRecording.add(r);
                    }
                } finally {
                    progress.finish();
                }
            } catch (OffsetLog.FormatException | CsvCorrector.CorrectionException e) {
                throw new Cli.BadInput(e.getMessage(), e);
            }
            // Whatever lies outside the recording folders is copied as it is.
            try (java.util.stream.Stream<Path> walk = Files.walk(source)) {
                for (Path p : walk.filter(p -> !p.equals(source)).sorted().toList()) {
                    if (recordings.stream().anyMatch(p::startsWith)) {
                        continue;
                    }
                    String rel = source.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                    Path to = staged.path().resolve(rel);
                    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(to);
                        continue;
                    }
                    Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    results.add(new ExportCorrector.FileResult(rel, Files.size(p), null));
                    if (rel.toLowerCase(Locale.ROOT).endsWith(".csv") && Files.isRegularFile(p)) {
                        try (java.io.InputStream in = Files.newInputStream(p)) {
                            if (!ExportCorrector.timestampColumns(CsvCorrector.headerNames(in)).isEmpty()) {
                                notCorrected.add(rel);
                            }
                        } catch (CsvCorrector.CorrectionException headerless) {
                            // nothing to correct in it
                        }
                    }
                }
            }
            StringBuilder head = new StringBuilder();
            for (Map<String, Object> r : perRecording) {
                head.append(String.format(Locale.ROOT, "recording   %s: phone %s, log %s%n", r.get("folder"), r.get("phone"),
                        r.get("log")));
            }
            text = reportText(results, logLines.toString(), direction, target).replaceFirst("\n\n", "\n" + head + "\n");
            if (!notCorrected.isEmpty()) {
                text += "NOT corrected (outside every recording folder, so no one phone's log applies): "
                        + String.join(", ", notCorrected) + "\n";
            }
            Files.writeString(staged.path().resolve(ExportCorrector.REPORT_FILE), text, StandardCharsets.UTF_8);
            staged.commit();
        }
        if (!notCorrected.isEmpty()) {
            err.println("lockstep: not corrected (outside every recording folder): " + String.join(", ", notCorrected));
            err.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = exportJson(results, direction, target, seconds);
            Map<String, Object> logs = new LinkedHashMap<>();
            logsByPhone.forEach((phone, file) -> logs.put(phone, file.toString()));
            m.put("logs", logs);
            m.put("recordings", perRecording);
            m.put("not_corrected", notCorrected);
            w.println(JsonOutput.write(m));
        } else {
            w.print(text);
        }
        w.flush();
        return 0;
    }

    /** The report, written to the output folder and printed: one line per corrected file, then what was copied. */
    private String reportText(List<ExportCorrector.FileResult> results, String logLines, ClockDirection direction,
                              Path target) {
        StringBuilder sb = new StringBuilder();
        sb.append("Lockstep correction of ").append(export.toAbsolutePath().normalize()).append('\n');
        sb.append("into        ").append(target).append('\n');
        sb.append("direction   ").append(direction).append(direction == ClockDirection.TRACKED_TO_LOCAL
                ? " (stamped by the device track followed, now in the clock of the host that ran track)"
                : " (stamped by the host that ran track, now in the clock of the device it followed)").append('\n');
        sb.append(logsByPhone.isEmpty() ? "offset log  " : "offset logs ").append(logLines).append('\n');
        sb.append("outside     ").append(outside.toLowerCase(Locale.ROOT)).append(", bad rows ")
                .append(badRows.toLowerCase(Locale.ROOT)).append('\n');
        sb.append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"file", "rows", "timestamps", "bound", "columns"});
        List<String> copied = new ArrayList<>();
        for (ExportCorrector.FileResult f : results) {
            if (!f.corrected()) {
                copied.add(f.file());
                continue;
            }
            CorrectionReport r = f.report();
            rows.add(new String[] {f.file(), Long.toString(r.rows()), Long.toString(r.corrected()),
                    r.corrected() > 0 ? "± " + Durations.format(r.maxBoundNanos()) : "-", String.join(", ", r.columns())});
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %" + width[1] + "s  %" + width[2] + "s  %-"
                    + width[3] + "s  %s", row[0], row[1], row[2], row[3], row[4]).stripTrailing()).append('\n');
        }
        for (ExportCorrector.FileResult f : results) {
            CorrectionReport r = f.report();
            if (r == null) {
                continue;
            }
            if (r.outside() > 0) {
                sb.append(String.format(Locale.ROOT, "%s: %d rows outside the offset log's span (%s): lines %s%n", f.file(),
                        r.outside(), describe(OutsidePolicy.parse(outside)), lines(r.outsideLines(), r.outside())));
            }
            if (r.unparsable() > 0) {
                sb.append(String.format(Locale.ROOT, "%s: %d rows with an unparsable timestamp copied unchanged: lines %s%n",
                        f.file(), r.unparsable(), lines(r.unparsableLines(), r.unparsable())));
            }
        }
        sb.append("copied unchanged: ").append(copied.size()).append(copied.size() == 1 ? " file" : " files");
        if (!copied.isEmpty()) {
            sb.append(" (").append(String.join(", ", copied.subList(0, Math.min(copied.size(), 20))))
                    .append(copied.size() > 20 ? ", …" : "").append(')');
        }
        sb.append('\n');
        return sb.toString();
    }

    private Map<String, Object> exportJson(List<ExportCorrector.FileResult> results, ClockDirection direction,
                                           Path target, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("export", export.toString());
        m.put("out", target.toString());
        m.put("log", log.toString());
        m.put("from", direction.from());
        m.put("to", direction.to());
        List<Object> files = new ArrayList<>();
        List<Object> copied = new ArrayList<>();
        long rows = 0;
        long timestamps = 0;
        long maxBound = 0;
        for (ExportCorrector.FileResult f : results) {
            if (!f.corrected()) {
                copied.add(f.file());
                continue;
            }
            CorrectionReport r = f.report();
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("file", f.file());
            fm.put("bytes", f.bytes());
            fm.put("columns", r.columns());
            fm.put("rows", r.rows());
            fm.put("corrected", r.corrected());
            fm.put("max_error_bound_ns", r.maxBoundNanos());
            fm.put("outside", r.outside());
            fm.put("outside_lines", r.outsideLines());
            fm.put("unparsable", r.unparsable());
            fm.put("unparsable_lines", r.unparsableLines());
            files.add(fm);
            rows += r.rows();
            timestamps += r.corrected();
            maxBound = Math.max(maxBound, r.maxBoundNanos());
        }
        m.put("files", files);
        m.put("copied", copied);
        m.put("rows", rows);
        m.put("corrected", timestamps);
        m.put("max_error_bound_ns", maxBound);
        m.put("outside_policy", outside.toLowerCase(Locale.ROOT));
        m.put("report", target.resolve(ExportCorrector.REPORT_FILE).toString());
        m.put("seconds", seconds);
        return m;
    }

    /** Parses an option value with the library's parser; its complaint becomes bad input (exit 2). */
    private static <T> T option(String name, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage().startsWith("--") ? e.getMessage() : name + ": " + e.getMessage(), e);
        }
    }

    private void printFile(PrintWriter w, CorrectionReport r, ClockDirection direction, double seconds) {
        String column = String.join(", ", r.columns());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("in", in.toString());
            m.put("out", out.toString());
            m.put("column", r.columns().get(0));
            m.put("columns", r.columns());
            m.put("from", direction.from());
            m.put("to", direction.to());
            m.put("rows", r.rows());
            m.put("corrected", r.corrected());
            m.put("max_error_bound_ns", r.maxBoundNanos());
            m.put("outside", r.outside());
            m.put("outside_lines", r.outsideLines());
            m.put("outside_policy", outside.toLowerCase(Locale.ROOT));
            m.put("unparsable", r.unparsable());
            m.put("unparsable_lines", r.unparsableLines());
            m.put("seconds", seconds);
            w.println(JsonOutput.write(m));
            w.flush();
            return;
        }
        String what = r.columns().size() == 1 ? r.corrected() + " of " + r.rows() + " rows"
                : r.corrected() + " timestamps in " + r.rows() + " rows";
        w.printf(Locale.ROOT, "corrected %s of %s into %s, %s (error bound at most %s, %.0f rows/s)%n",
                what, in, out, direction, Durations.format(r.maxBoundNanos()), seconds > 0 ? r.rows() / seconds : 0.0);
        if (r.outside() > 0) {
            w.printf(Locale.ROOT, "%d rows outside the offset log's span (%s): lines %s%n", r.outside(),
                    describe(OutsidePolicy.parse(outside)), lines(r.outsideLines(), r.outside()));
        }
        if (r.unparsable() > 0) {
            w.printf(Locale.ROOT, "%d rows with an unparsable '%s' copied unchanged: lines %s%n", r.unparsable(), column,
                    lines(r.unparsableLines(), r.unparsable()));
        }
        w.flush();
    }

    private static String describe(OutsidePolicy policy) {
        return switch (policy) {
            case EXTRAPOLATE -> "extrapolated from the nearest segment";
            case KEEP -> "copied unchanged";
            case BLANK -> "timestamp emptied";
            case FAIL -> "fail";
        };
    }

    private static String lines(List<Long> shown, long total) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shown.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(shown.get(i));
        }
        if (total > shown.size()) {
            sb.append(", … (").append(total - shown.size()).append(" more)");
        }
        return sb.toString();
    }

    /** Shows a big file's progress on stderr in MiB, through {@link Cli.ProgressLine} (after a second, then now and then). */
    private static final class Progress implements ExportCorrector.Listener {
        private final PrintWriter err;
        private String file;
        private Cli.ProgressLine line;

        Progress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void progress(String name, long bytesRead, long bytesTotal) {
            if (!name.equals(file)) {
                finish();
                file = name;
                line = new Cli.ProgressLine(err, "correcting " + name + ", MiB");
            }
            line.update((int) Math.min(Integer.MAX_VALUE, bytesRead >> 20), (int) Math.min(Integer.MAX_VALUE, bytesTotal >> 20));
        }

        void finish() {
            if (line != null) {
                line.finish();
                line = null;
            }
        }
    }
}
