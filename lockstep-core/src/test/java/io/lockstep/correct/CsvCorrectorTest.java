package io.lockstep.correct;

import static io.lockstep.correct.ClockDirection.LOCAL_TO_TRACKED;
import static io.lockstep.correct.ClockDirection.TRACKED_TO_LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;
import io.lockstep.internal.estimate.OffsetTracker;
import io.lockstep.internal.estimate.SyntheticStream;
import io.lockstep.log.OffsetLog;
import io.lockstep.protocol.TimeSample;

class CsvCorrectorTest {

    private static final long S = SyntheticStream.S;
    private static final long T0 = SyntheticStream.T0;

    @TempDir
    Path dir;

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Tracks a synthetic remote for {@code seconds} (a 1 s step at {@code stepAt}) and logs every sample. */
    private Path writeLog(SyntheticStream stream, int seconds, int stepAt) throws IOException {
        Path p = dir.resolve("offsets.csv");
        OffsetTracker tracker = new OffsetTracker();
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            for (int i = 0; i < seconds; i++) {
                if (i == stepAt) {
                    stream.stepNanos = S;
                }
                TimeSample s = stream.sample(i);
                SampleVerdict v = tracker.add(s);
                ClockModel m = tracker.model();
                long local = s.localMidNanos();
                long filtered = m.offsetAtNanos(local);
                log.append(new TrackRecord(local, local - filtered, s.roundTripNanos(), s.offsetNanos(), filtered,
                        m.errorBoundAtNanos(local), m.remoteDriftPpm(), ClockState.SYNCED, v, tracker.segment(), 1));
            }
        }
        return p;
    }

    @Test
    void mapsNeonNanosecondsWithinTheBoundAndSplitsAtTheStep() throws IOException {
        SyntheticStream stream = new SyntheticStream(21, -150_000_000, 18, 300_000, 200_000, 1);
        Path log = writeLog(stream, 1800, 900);
        CorrectionModel model = CorrectionModel.fromLog(log);
        assertEquals(2, model.segments());

        StringBuilder in = new StringBuilder("recording id,timestamp [ns],x\n");
        long[] times = new long[500];
        for (int i = 0; i < times.length; i++) {
            // Avoid the few seconds around the step, which belong to neither line.
            long t = T0 + 10 * S + i * 3_500_000_000L;
            if (t > T0 + 895 * S && t < T0 + 905 * S) {
                t += 12 * S;
            }
            times[i] = t;
            in.append("abc,").append(t).append(",\"1,5\"\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CorrectionReport r = new CsvCorrector(model, "timestamp [ns]", TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.FAIL,
                true).correct(in(in.toString()), out);
        assertEquals(500, r.corrected());
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("recording id,timestamp [ns],x", lines[0]);
        for (int i = 0; i < times.length; i++) {
            String[] f = lines[i + 1].split(",", 3);
            assertEquals("abc", f[0]);
            assertEquals("\"1,5\"", f[2]);
            long truth = times[i] - stream.trueOffsetAtStep(times[i], 900);
            long error = Long.parseLong(f[1]) - truth;
            assertTrue(Math.abs(error) <= r.maxBoundNanos(), "row " + i + " error " + error + " bound " + r.maxBoundNanos());
            assertTrue(Math.abs(error) < 100_000, "row " + i + " error " + error);
        }
    }

    @Test
    void timesInsideTheStepGapGetABoundThatCoversEitherSide() throws IOException {
        SyntheticStream stream = new SyntheticStream(21, -150_000_000, 18, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 1800, 900));
        CorrectionModel.Cursor c = model.cursor();
        int inGap = 0;
        for (long t = T0 + 897 * S; t < T0 + 904 * S; t += 50_000_000L) {
            assertTrue(c.locate(t), "the gap between segments lies within the log's span");
            long offset = c.offsetNanos(t);
            long truth = stream.trueOffsetAtStep(t, 900);
            assertTrue(Math.abs(offset - truth) <= c.boundNanos(), t + ": error " + (offset - truth) + " bound " + c.boundNanos());
            if (c.boundNanos() >= S / 2) {
                inGap++;
            }
        }
        assertTrue(inGap > 0, "somewhere the step's instant is unknown and the bound says so");
    }

    @Test
    void outsideAndUnparsableRowsAreReportedWithLineNumbers() throws IOException {
        SyntheticStream stream = new SyntheticStream(22, 0, 5, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 300, -1));
        double start = (T0 + 10 * S) / 1e9;
        String in = "t_s,v\r\n" + start + ",1\r\nnonsense,2\r\n" + (start + 10_000) + ",3\r\n" + (start + 1) + ",4\r\n";

        CsvCorrector strict = new CsvCorrector(model, "t_s", TimestampUnit.S, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, false);
        IOException e = assertThrows(IOException.class, () -> strict.correct(in(in), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().startsWith("line 4:"), e.getMessage());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CorrectionReport r = new CsvCorrector(model, "t_s", TimestampUnit.S, LOCAL_TO_TRACKED, OutsidePolicy.KEEP, false)
                .correct(in(in), out);
        assertEquals(List.of(3L), r.unparsableLines());
        assertEquals(List.of(4L), r.outsideLines());
        assertEquals(2, r.corrected());
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\r\n");
        assertEquals("nonsense,2", lines[2]);
        assertEquals(in.split("\r\n")[3], lines[3]);
        assertTrue(lines[1].matches("\\d+\\.\\d{9},1"), lines[1]);

        ByteArrayOutputStream blank = new ByteArrayOutputStream();
        new CsvCorrector(model, "t_s", TimestampUnit.S, LOCAL_TO_TRACKED, OutsidePolicy.BLANK, false)
                .correct(in(in), blank);
        assertEquals(",3", blank.toString(StandardCharsets.UTF_8).split("\r\n")[3]);
    }

    @Test
    void aByteOrderMarkBeforeAQuotedHeaderIsIgnored() throws IOException {
        SyntheticStream stream = new SyntheticStream(23, 40_000_000, -12, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 600, -1));
        long local = T0 + 300 * S;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CorrectionReport r = new CsvCorrector(model, "timestamp [ns]", TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true)
                .correct(in("\uFEFF\"timestamp [ns]\",x\n" + local + ",7\n"), out);
        assertEquals(1, r.corrected());
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith(",7\n"));
    }

    @Test
    void extrapolatedBoundsGrowWithDistance() throws IOException {
        SyntheticStream stream = new SyntheticStream(23, 40_000_000, -12, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 600, -1));
        CorrectionModel.Cursor c = model.cursor();
        long inside = T0 + 300 * S;
        c.locate(inside);
        c.offsetNanos(inside);
        long boundInside = c.boundNanos();
        long farAway = T0 + 3 * 3600 * S;
        c.locate(farAway);
        c.offsetNanos(farAway);
        // Hours past the log: at least the 100 ppm an unknown drift may add over that time.
        assertTrue(c.boundNanos() > boundInside + 100e-6 * (farAway - (T0 + 600 * S)) * 0.99,
                c.boundNanos() + " vs " + boundInside);
    }

    @Test
    void justOutsideTheLogTheBoundGrowsFromTheLogsEdgeNotFromTheNearestKnot() throws IOException {
        SyntheticStream stream = new SyntheticStream(23, 40_000_000, -12, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 600, -1));
        CorrectionModel.Cursor c = model.cursor();
        // A live `event --log` asks up to one tracking interval past the log's last row; the
        // nearest knot is the centre of the last chunk, tens of seconds further back, which the
        // log covers.
        for (long[] edgeAndStep : new long[][] {{model.spanEndNanos(), S}, {model.spanStartNanos(), -S}}) {
            long edge = edgeAndStep[0];
            assertTrue(c.locate(edge));
            c.offsetNanos(edge);
            long atEdge = c.boundNanos();
            long outside = edge + edgeAndStep[1];
            assertFalse(c.locate(outside));
            c.offsetNanos(outside);
            long unknownDrift = (long) (ClockModel.UNKNOWN_DRIFT_SIGMA_PPM * 1e-6 * S);
            assertTrue(c.boundNanos() >= atEdge + unknownDrift, c.boundNanos() + " vs " + atEdge);
            assertTrue(c.boundNanos() <= atEdge + unknownDrift + 10_000, c.boundNanos() + " vs " + atEdge
                    + ": 1 s outside the log, the bound grew by more than an unknown drift over 1 s");
        }
    }

    @Test
    void referenceToLocalInvertsLocalToReference() throws IOException {
        SyntheticStream stream = new SyntheticStream(23, 40_000_000, -12, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 600, -1));
        long local = T0 + 300 * S;
        ByteArrayOutputStream forward = new ByteArrayOutputStream();
        new CsvCorrector(model, "t", TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true)
                .correct(in("t\n" + local + "\n"), forward);
        long reference = Long.parseLong(forward.toString(StandardCharsets.UTF_8).split("\n")[1]);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        new CsvCorrector(model, "t", TimestampUnit.NS, TRACKED_TO_LOCAL, OutsidePolicy.FAIL, true)
                .correct(in("t\n" + reference + "\n"), back);
        assertEquals(local, Long.parseLong(back.toString(StandardCharsets.UTF_8).split("\n")[1]), 2);
    }

    @Test
    void linesSplitAcrossReadsAndLineEndingsSurviveByteForByte() throws IOException {
        SyntheticStream stream = new SyntheticStream(25, 0, 3, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 200, -1));
        StringBuilder text = new StringBuilder("\uFEFFé,t_us\r\n");
        for (int i = 0; i < 50; i++) {
            text.append("\"ü,").append(i).append("\",").append((T0 + (20 + i) * S) / 1000).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        new CsvCorrector(model, "t_us", TimestampUnit.US, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true).correct(in(text.toString()), whole);
        ByteArrayOutputStream trickled = new ByteArrayOutputStream();
        java.io.InputStream slow = new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 3));
            }
        };
        new CsvCorrector(model, "t_us", TimestampUnit.US, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true).correct(slow, trickled);
        assertEquals(whole.toString(StandardCharsets.UTF_8), trickled.toString(StandardCharsets.UTF_8));
        String[] lines = whole.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals("\uFEFFé,t_us\r", lines[0]);
        assertTrue(lines[1].matches("\"ü,0\",\\d+\\.\\d{3}\r"), lines[1]);
        assertTrue(lines[2].matches("\"ü,1\",\\d+\\.\\d{3}"), lines[2]);
    }

    @Test
    void linesLongerThanTheLimitAreRefused() throws IOException {
        SyntheticStream stream = new SyntheticStream(23, 40_000_000, -12, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 600, -1));
        String tooLong = "t,x\n" + (T0 + 300 * S) + "," + "y".repeat(CsvCorrector.MAX_LINE_BYTES) + "\n";
        IOException e = assertThrows(IOException.class, () -> new CsvCorrector(model, "t", TimestampUnit.NS, LOCAL_TO_TRACKED,
                OutsidePolicy.FAIL, true).correct(in(tooLong), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        String justFits = "t,x\n" + (T0 + 300 * S) + "," + "y".repeat(CsvCorrector.MAX_LINE_BYTES - 40) + "\n";
        assertEquals(1, new CsvCorrector(model, "t", TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true)
                .correct(in(justFits), new ByteArrayOutputStream()).corrected());
    }

    @Test
    void missingColumnIsAClearError() throws IOException {
        SyntheticStream stream = new SyntheticStream(24, 0, 0, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 100, -1));
        IOException e = assertThrows(IOException.class, () -> new CsvCorrector(model, "timestamp [ns]",
                TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true).correct(in("a,b\n1,2\n"),
                new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("no column named 'timestamp [ns]'"), e.getMessage());
    }

    /** RFC 4180: a quoted field may hold line breaks; the record goes on to the closing quote. */
    @Test
    void quotedFieldsWithLineBreaksStayInTheirRecord() throws IOException {
        SyntheticStream stream = new SyntheticStream(26, 0, 3, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 200, -1));
        long t1 = T0 + 20 * S;
        long t2 = T0 + 30 * S;
        long late = T0 + 5000 * S;
        String text = "\"note\nwith break\",t_ns,x\n"
                + "\"first line\nsecond, with comma\r\nthird \"\"quoted\"\"\"," + t1 + ",1\n"
                + "plain," + t2 + ",\"tail\n\"\n"
                + "\"one\ntwo\"," + late + ",3\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        CsvCorrector keep = new CsvCorrector(model, "t_ns", TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.KEEP, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CorrectionReport r = keep.correct(in(text), out);
        assertEquals(3, r.rows());
        assertEquals(2, r.corrected());
        // Physical line numbers, as an editor shows them: the late record starts on line 8.
        assertEquals(List.of(8L), r.outsideLines());
        String result = out.toString(StandardCharsets.UTF_8);
        long ref1 = Long.parseLong(result.split("third \"\"quoted\"\"\",")[1].split(",")[0]);
        assertEquals(t1 - stream.trueOffsetAtStep(t1, -1), ref1, 100_000);
        assertEquals(text.replace(Long.toString(t1), Long.toString(ref1)).substring(0, 80), result.substring(0, 80));
        assertTrue(result.endsWith(",\"tail\n\"\n\"one\ntwo\"," + late + ",3\n"), result);

        ByteArrayOutputStream trickled = new ByteArrayOutputStream();
        java.io.InputStream slow = new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 2));
            }
        };
        keep.correct(slow, trickled);
        assertEquals(result, trickled.toString(StandardCharsets.UTF_8));

        IOException e = assertThrows(IOException.class, () -> new CsvCorrector(model, "t_ns", TimestampUnit.NS, LOCAL_TO_TRACKED,
                OutsidePolicy.FAIL, true).correct(in(text), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().startsWith("line 8:"), e.getMessage());
    }

    @Test
    void anUnclosedQuoteIsAnErrorNamingTheLineItOpensOn() throws IOException {
        SyntheticStream stream = new SyntheticStream(26, 0, 3, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 200, -1));
        String text = "t_ns,x\n" + (T0 + 20 * S) + ",1\n" + (T0 + 21 * S) + ",\"open\n" + (T0 + 22 * S) + ",3\n";
        IOException e = assertThrows(IOException.class, () -> new CsvCorrector(model, "t_ns", TimestampUnit.NS, LOCAL_TO_TRACKED,
                OutsidePolicy.FAIL, true).correct(in(text), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().startsWith("line 3:") && e.getMessage().contains("never closed"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anOverlongLineIsNamed() throws IOException {
        SyntheticStream stream = new SyntheticStream(23, 40_000_000, -12, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 600, -1));
        String text = "t,x\n" + (T0 + 300 * S) + ",1\n" + (T0 + 301 * S) + "," + "y".repeat(3 * CsvCorrector.MAX_LINE_BYTES) + "\n";
        IOException e = assertThrows(IOException.class, () -> new CsvCorrector(model, "t", TimestampUnit.NS, LOCAL_TO_TRACKED,
                OutsidePolicy.FAIL, true).correct(in(text), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().startsWith("line 3:") && e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void aDuplicatedColumnNameIsAnError() throws IOException {
        SyntheticStream stream = new SyntheticStream(24, 0, 0, 300_000, 200_000, 1);
        CorrectionModel model = CorrectionModel.fromLog(writeLog(stream, 100, -1));
        IOException e = assertThrows(IOException.class, () -> new CsvCorrector(model, "t_ns", TimestampUnit.NS, LOCAL_TO_TRACKED,
                OutsidePolicy.FAIL, true).correct(in("t_ns,x,\"t_ns\"\n1,2,3\n"), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("'t_ns'") && e.getMessage().contains("columns 1 and 3"), e.getMessage());
        // Other duplicated names do not matter: those columns are copied untouched.
        assertEquals(0, new CsvCorrector(model, "t_ns", TimestampUnit.NS, LOCAL_TO_TRACKED, OutsidePolicy.KEEP, false)
                .correct(in("t_ns,x,x\n"), new ByteArrayOutputStream()).rows());
    }

    @Test
    void aShuffledLogIsRefusedNamingTheFirstLineOutOfOrder() throws IOException {
        SyntheticStream stream = new SyntheticStream(27, 0, 3, 300_000, 200_000, 1);
        Path log = writeLog(stream, 1000, -1);
        List<String> lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(log));
        List<String> rows = new java.util.ArrayList<>(lines.subList(1, lines.size()));
        java.util.Collections.shuffle(rows, new java.util.Random(3));
        rows.add(0, lines.get(0));
        java.nio.file.Files.write(log, rows);
        IOException e = assertThrows(IOException.class, () -> CorrectionModel.fromLog(log));
        assertTrue(e instanceof OffsetLog.FormatException, e.toString());
        assertTrue(e.getMessage().matches(".*the log is not in time order, line \\d+.*"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
