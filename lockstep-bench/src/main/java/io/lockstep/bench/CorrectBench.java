package io.lockstep.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.lockstep.correct.ClockDirection;
import io.lockstep.correct.CorrectionModel;
import io.lockstep.correct.CorrectionReport;
import io.lockstep.correct.CsvCorrector;
import io.lockstep.correct.OutsidePolicy;
import io.lockstep.correct.TimestampUnit;
import io.lockstep.log.OffsetLog;
import io.lockstep.sim.Scenario;
import io.lockstep.sim.ScenarioRun;
import io.lockstep.sim.Scenarios;
import io.lockstep.sim.host.HostStats;
import io.lockstep.track.ClockTracker;

/**
 * {@code lockstep bench correct}: tracks a simulated device for an hour (virtual time), writes
 * the offset log, then corrects a Pupil Labs Neon-like gaze export of device timestamps and
 * reports throughput (rows/s, MB/s) and the error of the corrected timestamps against the
 * simulation's truth. Temporary files only; prints a table, never passes or fails. Stateless.
 */
public final class CorrectBench {

    private static final long S = 1_000_000_000L;

    private CorrectBench() {
    }

    /**
     * What to run.
     *
     * @param rows          rows of the synthetic gaze export, 1 to 1,000,000,000
     * @param scenarioIndex tracking scenario whose offset log corrects them, in the order of
     *                      {@code bench tracking} (0 = wired LAN)
     */
    public record Options(int rows, int scenarioIndex) {
        public Options {
            if (rows < 1 || rows > 1_000_000_000) {
                throw new IllegalArgumentException("--rows must be between 1 and 1000000000");
            }
            int scenarios = Scenarios.tracking(1).size();
            if (scenarioIndex < 0 || scenarioIndex >= scenarios) {
                throw new IllegalArgumentException("--scenario must be between 0 and " + (scenarios - 1)
                        + " (the order of `lockstep bench tracking`)");
            }
        }
    }

    /**
     * Runs the benchmark.
     *
     * @return 0
     */
    public static int run(PrintStream out, Options o) {
        try {
            return measure(out, o.rows(), Scenarios.tracking(1).get(o.scenarioIndex()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int measure(PrintStream out, int rows, Scenario scenario) throws IOException {
        Path dir = Files.createTempDirectory("lockstep-bench-correct");
        try {
            Path log = dir.resolve("offsets.csv");
            ScenarioRun run = new ScenarioRun(scenario);
            long localAtTrueZero = run.localClock().wallNanos() - run.truth().monoNanos();
            try (OffsetLog offsets = OffsetLog.openAppend(log)) {
                ClockTracker tracker = new ClockTracker(run.probe(), run.localClock(), S, 0);
                for (int i = 0; i < 3600; i++) {
                    run.truth().advance(i * S - run.truth().monoNanos());
                    offsets.append(tracker.sampleOnce());
                }
            }
            // Device timestamps between minute 1 and minute 59, evenly spaced.
            Path in = dir.resolve("gaze.csv");
            long step = 3480 * S / rows;
            try (OutputStream w = new BufferedOutputStream(Files.newOutputStream(in), 1 << 20)) {
                w.write("section id,recording id,timestamp [ns],gaze x [px],gaze y [px],worn,fixation id,blink id\n"
                        .getBytes(StandardCharsets.US_ASCII));
                StringBuilder sb = new StringBuilder(128);
                for (int i = 0; i < rows; i++) {
                    sb.setLength(0);
                    sb.append("5b1e7c4d,9f0a2b3c,").append(localAtTrueZero + 60 * S + i * step).append(',')
                            .append(800 + i % 97).append(".125,").append(600 - i % 89).append(".5,1.0,")
                            .append(i / 50).append(",\n");
                    w.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                }
            }
            long bytes = Files.size(in);
            Path corrected = dir.resolve("gaze-ref.csv");
            long started = System.nanoTime();
            CorrectionModel model = CorrectionModel.fromLog(log);
            long modelled = System.nanoTime();
            CorrectionReport report;
            try (InputStream r = Files.newInputStream(in);
                 OutputStream w = new BufferedOutputStream(Files.newOutputStream(corrected), 1 << 20)) {
                report = new CsvCorrector(model, "timestamp [ns]", TimestampUnit.NS, ClockDirection.LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true)
                        .correct(r, w);
            }
            long done = System.nanoTime();
            // Accuracy: every 1000th row against the truth.
            double maxErrorNanos = 0;
            double sumSq = 0;
            int checked = 0;
            try (var lines = Files.lines(corrected)) {
                var it = lines.skip(1).iterator();
                for (int i = 0; it.hasNext(); i++) {
                    String line = it.next();
                    if (i % 1000 != 0) {
                        continue;
                    }
                    long trueMono = 60 * S + i * step;
                    long reference = Long.parseLong(line.split(",", 4)[2]);
                    long truth = localAtTrueZero + trueMono - run.simulatedProbe().trueOffsetAtNanos(trueMono);
                    double e = reference - truth;
                    maxErrorNanos = Math.max(maxErrorNanos, Math.abs(e));
                    sumSq += e * e;
                    checked++;
                }
            }
            double seconds = (done - modelled) / 1e9;
            out.printf(Locale.ROOT, "Correction of a Neon-like gaze export against a 1 h offset log (%s, seed 1); one"
                    + " core; load average %s%n", scenario.name(), HostStats.loadAverages("unknown"));
            new Table("rows", "MB", "model", "correcting", "rows/s", "MB/s", "rms error", "max error")
                    .row(String.format(Locale.ROOT, "%,d", rows), String.format(Locale.ROOT, "%.1f", bytes / 1e6),
                            String.format(Locale.ROOT, "%.1f ms", (modelled - started) / 1e6),
                            String.format(Locale.ROOT, "%.2f s", seconds),
                            String.format(Locale.ROOT, "%,.0f", rows / seconds),
                            String.format(Locale.ROOT, "%.0f", bytes / 1e6 / seconds),
                            String.format(Locale.ROOT, "%.2f us", Math.sqrt(sumSq / checked) / 1e3),
                            String.format(Locale.ROOT, "%.2f us", maxErrorNanos / 1e3))
                    .print(out);
            out.printf(Locale.ROOT, "error bound reported by the model: at most %.1f us; %d rows outside the log's span%n",
                    report.maxBoundNanos() / 1e3, report.outside());
            return 0;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
