package io.lockstep.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.lockstep.correct.CorrectionModel;
import io.lockstep.correct.CorrectionReport;
import io.lockstep.correct.CsvCorrector;
import io.lockstep.correct.OutsidePolicy;
import io.lockstep.correct.TimestampUnit;
import io.lockstep.log.OffsetLog;
import io.lockstep.time.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep correct}: maps one timestamp column of a CSV file to the reference clock
 * using an offset log written by {@code lockstep track}. Parses options and prints the
 * summary; the correction itself is {@link CsvCorrector}. The output appears only when the run
 * succeeds (written to a {@link StagedOutput} first, then moved into place). Bad option values
 * and input files that are not what they should be exit 2, other failures 1. Not thread-safe;
 * one instance per invocation.
 */
@Command(name = "correct", mixinStandardHelpOptions = true,
        description = {"Maps a column of device-clock timestamps to the reference clock, using the offset log "
                + "that `lockstep track --log` wrote.",
                "Other columns are copied untouched. Rows outside the log's span and unparsable rows are "
                + "reported with line numbers; --outside and --bad-rows say what to do with them."})
final class CorrectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--log", required = true, paramLabel = "FILE", description = "Offset log from `lockstep track --log`.")
    Path log;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "CSV file with a header line.")
    Path in;

    @Option(names = "--column", required = true, paramLabel = "NAME",
            description = "Header name of the timestamp column, e.g. 'timestamp [ns]'.")
    String column;

    @Option(names = "--unit", paramLabel = "ns|us|ms|s",
            description = "Unit of the column; guessed from names like 'timestamp [ns]' or 'time_s' when omitted.")
    String unit;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the corrected CSV.")
    Path out;

    @Option(names = "--outside", paramLabel = "POLICY", defaultValue = "fail",
            description = "Timestamps outside the log's span: fail (default), extrapolate, keep (copy unchanged) "
                    + "or blank (empty the cell). All but fail are reported with line numbers.")
    String outside;

    @Option(names = "--bad-rows", paramLabel = "POLICY", defaultValue = "fail",
            description = "Rows whose timestamp cannot be parsed: fail (default) or keep (copy unchanged, report).")
    String badRows;

    @Option(names = "--reverse",
            description = "The column is in the tracked (reference) clock, e.g. a Neon recording tracked from the PC "
                    + "with `track neon://…`; map it to this host's clock instead.")
    boolean reverse;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        TimestampUnit u = unit != null ? option("--unit", () -> TimestampUnit.parse(unit))
                : TimestampUnit.fromColumnName(column);
        if (u == null) {
            throw new Cli.BadInput("cannot tell the unit of column '" + column + "'; pass --unit ns|us|ms|s");
        }
        OutsidePolicy policy = option("--outside", () -> OutsidePolicy.parse(outside));
        boolean failOnBad = switch (badRows.toLowerCase(Locale.ROOT)) {
            case "fail" -> true;
            case "keep" -> false;
            default -> throw new Cli.BadInput("--bad-rows: unknown policy '" + badRows + "'; use fail or keep");
        };
        if (!Files.isRegularFile(in)) {
            throw new Cli.BadInput(Files.isDirectory(in) ? "--in " + in + " is a directory, not a CSV file"
                    : "no such input file: " + in);
        }
        if (!Files.isRegularFile(log)) {
            throw new Cli.BadInput(Files.isDirectory(log) ? "--log " + log + " is a directory, not an offset log"
                    : "no such offset log: " + log);
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
            CsvCorrector corrector = new CsvCorrector(model, column, u, reverse, policy, failOnBad);
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
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        print(spec.commandLine().getOut(), report, seconds);
        return 0;
    }

    /** Parses an option value with the library's parser; its complaint becomes bad input (exit 2). */
    private static <T> T option(String name, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(name + ": " + e.getMessage(), e);
        }
    }

    private void print(PrintWriter w, CorrectionReport r, double seconds) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("in", in.toString());
            m.put("out", out.toString());
            m.put("column", column);
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
        w.printf(Locale.ROOT, "corrected %d of %d rows of %s into %s (error bound at most %s, %.0f rows/s)%n",
                r.corrected(), r.rows(), in, out, Durations.format(r.maxBoundNanos()),
                seconds > 0 ? r.rows() / seconds : 0.0);
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
}
