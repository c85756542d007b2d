package io.lockstep.correct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;
import io.lockstep.internal.estimate.SyntheticStream;
import io.lockstep.log.OffsetLog;

/** Several columns per row ({@link CsvCorrector}) and whole export folders ({@link ExportCorrector}). */
class ExportCorrectorTest {

    private static final long S = SyntheticStream.S;
    private static final long T0 = SyntheticStream.T0;
    /** The log's clocks: local − tracked = −2 s, constant, bound 40 us. */
    private static final long OFFSET = -2 * S;

    @TempDir
    Path dir;
    CorrectionModel model;

    @BeforeEach
    void log() throws IOException {
        Path p = dir.resolve("offsets.csv");
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            for (int i = 0; i < 1200; i++) {
                long local = T0 + i * S;
                log.append(new TrackRecord(local, local - OFFSET, 80_000, OFFSET, OFFSET, 40_000, 0.0, ClockState.SYNCED,
                        SampleVerdict.ACCEPTED, 0, 1));
            }
        }
        model = CorrectionModel.fromLog(p);
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private String correct(String csv, List<String> columns, ClockDirection direction, OutsidePolicy outside,
                           boolean failOnUnparsable) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CsvCorrector(model, columns, TimestampUnit.NS, direction, outside, failOnUnparsable).correct(in(csv), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startAndEndOfARowAreMappedTogetherInAnyOrderOfNaming() throws IOException {
        long tracked = T0 + 100 * S - OFFSET;
        String csv = "fixation id,start timestamp [ns],end timestamp [ns],duration [ms]\n"
                + "1," + tracked + "," + (tracked + 240_000_000L) + ",240\r\n";
        String out = correct(csv, List.of("end timestamp [ns]", "start timestamp [ns]"), ClockDirection.TRACKED_TO_LOCAL,
                OutsidePolicy.FAIL, true);
        assertEquals("fixation id,start timestamp [ns],end timestamp [ns],duration [ms]\n"
                + "1," + (T0 + 100 * S) + "," + (T0 + 100 * S + 240_000_000L) + ",240\r\n", out);
        // And back: the other direction subtracts the offset.
        String back = correct(out, List.of("start timestamp [ns]", "end timestamp [ns]"), ClockDirection.LOCAL_TO_TRACKED,
                OutsidePolicy.FAIL, true);
        assertEquals(csv, back);
    }

    @Test
    void aRowIsNeverHalfMapped() throws IOException {
        long t = T0 + 100 * S;
        String csv = "a,s timestamp [ns],e timestamp [ns]\n"
                + "x," + t + ",oops\n"
                + "y," + t + "," + (T0 + 5000 * S) + "\n"
                + "z," + t + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CorrectionReport r = new CsvCorrector(model, List.of("s timestamp [ns]", "e timestamp [ns]"), TimestampUnit.NS,
                ClockDirection.LOCAL_TO_TRACKED, OutsidePolicy.KEEP, false).correct(in(csv), out);
        assertEquals(csv, out.toString(StandardCharsets.UTF_8), "unparsable, outside and short rows copied whole");
        assertEquals(3, r.rows());
        assertEquals(0, r.corrected());
        assertEquals(List.of(2L, 4L), r.unparsableLines());
        assertEquals(List.of(3L), r.outsideLines());
        assertEquals(List.of("s timestamp [ns]", "e timestamp [ns]"), r.columns());

        String blank = correct("a,s timestamp [ns],e timestamp [ns]\ny," + t + "," + (T0 + 5000 * S) + "\n",
                List.of("s timestamp [ns]", "e timestamp [ns]"), ClockDirection.LOCAL_TO_TRACKED, OutsidePolicy.BLANK, true);
        assertEquals("a,s timestamp [ns],e timestamp [ns]\ny," + (t - OFFSET) + ",\n", blank, "only the outside cell emptied");

        CsvCorrector.CorrectionException e = assertThrows(CsvCorrector.CorrectionException.class, () -> correct(csv,
                List.of("s timestamp [ns]", "e timestamp [ns]"), ClockDirection.LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true));
        assertEquals("line 2: 'oops' in column 'e timestamp [ns]' is not a number in ns; pass --bad-rows keep to copy "
                + "such rows unchanged", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CsvCorrector(model, List.of("a", "a"), TimestampUnit.NS,
                ClockDirection.LOCAL_TO_TRACKED, OutsidePolicy.FAIL, true));
    }

    @Test
    void headerNamesAreUnquotedWithoutTheByteOrderMark() throws IOException {
        assertEquals(List.of("section id", "timestamp [ns]", "say \"hi\", twice"),
                CsvCorrector.headerNames(in("\uFEFF\"section id\",timestamp [ns],\"say \"\"hi\"\", twice\"\r\n1,2,3\n")));
        assertEquals(List.of("start timestamp [ns]", "End Timestamp [ns]", "section start time [ns]"),
                ExportCorrector.timestampColumns(List.of("fixation id", "start timestamp [ns]", "End Timestamp [ns]",
                        "duration [ms]", "section start time [ns]", "time to first fixation [ms]")));
    }

    @Test
    void aFolderIsCorrectedFileByFileAndEverythingElseCopied() throws IOException {
        Path export = Files.createDirectories(dir.resolve("export/rec-1"));
        long tracked = T0 + 60 * S - OFFSET;
        Files.writeString(export.resolve("events.csv"), "recording id,timestamp [ns],name,type\nr," + tracked
                + ",\"a, b\",recording\n");
        Files.writeString(export.resolve("template.csv"), "recording id,item id,title,answer\nr,1,age,\"42\"\n");
        Files.write(export.resolve("video.mp4"), new byte[] {0, 1, 2, (byte) 0xFF, '\n', '\r'});
        Files.createDirectories(dir.resolve("export/empty folder"));
        Files.createSymbolicLink(export.resolve("latest.csv"), Path.of("events.csv"));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<ExportCorrector.FileResult> results = new ExportCorrector(model, ClockDirection.TRACKED_TO_LOCAL,
                OutsidePolicy.FAIL, true).correct(dir.resolve("export"), out, null);
        assertEquals(List.of("rec-1/events.csv", "rec-1/template.csv", "rec-1/video.mp4"),
                results.stream().map(ExportCorrector.FileResult::file).toList());
        assertTrue(results.get(0).corrected());
        assertEquals(40_000, results.get(0).report().maxBoundNanos(), 1_000);
        assertFalse(results.get(1).corrected());
        assertEquals("recording id,timestamp [ns],name,type\nr," + (T0 + 60 * S) + ",\"a, b\",recording\n",
                Files.readString(out.resolve("rec-1/events.csv")));
        assertEquals(-1, Files.mismatch(export.resolve("template.csv"), out.resolve("rec-1/template.csv")));
        assertEquals(-1, Files.mismatch(export.resolve("video.mp4"), out.resolve("rec-1/video.mp4")));
        assertTrue(Files.isDirectory(out.resolve("empty folder")));
        assertTrue(Files.isSymbolicLink(out.resolve("rec-1/latest.csv")));
        assertEquals(Path.of("events.csv"), Files.readSymbolicLink(out.resolve("rec-1/latest.csv")));
    }

    @Test
    void nothingToCorrectOrAlreadyCorrectedIsRefusedBeforeCopying() throws IOException {
        Path export = Files.createDirectories(dir.resolve("export"));
        Files.writeString(export.resolve("template.csv"), "item id,answer\n1,2\n");
        Files.writeString(export.resolve("empty.csv"), "");
        Path out = Files.createDirectories(dir.resolve("out"));
        ExportCorrector corrector = new ExportCorrector(model, ClockDirection.TRACKED_TO_LOCAL, OutsidePolicy.FAIL, true);
        IOException none = assertThrows(CsvCorrector.CorrectionException.class, () -> corrector.correct(export, out, null));
        assertTrue(none.getMessage().startsWith("no CSV file in " + export + " has a column ending in 'timestamp [ns]'"),
                none.getMessage());
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing copied");
        }
        Files.writeString(export.resolve("gaze.csv"), "timestamp [ns]\n" + (T0 + 9 * S) + "\n");
        Files.writeString(export.resolve(ExportCorrector.REPORT_FILE), "corrected before");
        IOException twice = assertThrows(CsvCorrector.CorrectionException.class, () -> corrector.correct(export, out, null));
        assertTrue(twice.getMessage().contains("already corrected"), twice.getMessage());
    }

    @Test
    void bigFilesReportProgressAndAFileNamesItsErrors() throws IOException {
        Path export = Files.createDirectories(dir.resolve("export"));
        Path gaze = export.resolve("gaze.csv");
        long rows = 0;
        try (BufferedWriter w = Files.newBufferedWriter(gaze)) {
            w.write("section id,recording id,timestamp [ns],gaze x [px],gaze y [px]\n");
            long bytes = 0;
            while (bytes < 50L << 20) {
                String line = "5b1e7c4d-aaaa-4bbb-8ccc-0123456789ab,r," + (T0 + 10 * S + rows * 1_500_000L - OFFSET)
                        + ",812.125,640.5\n";
                w.write(line);
                bytes += line.length();
                rows++;
            }
        }
        List<long[]> calls = new ArrayList<>();
        Path out = Files.createDirectories(dir.resolve("out"));
        List<ExportCorrector.FileResult> results = new ExportCorrector(model, ClockDirection.TRACKED_TO_LOCAL,
                OutsidePolicy.FAIL, true).correct(export, out, (file, read, total) -> {
                    assertEquals("gaze.csv", file);
                    calls.add(new long[] {read, total});
                });
        assertEquals(rows, results.get(0).report().rows());
        long size = Files.size(gaze);
        assertTrue(calls.size() >= 2 && calls.size() <= size / ExportCorrector.PROGRESS_EVERY_BYTES, calls.size() + " calls");
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(size, calls.get(i)[1]);
            assertTrue(calls.get(i)[0] >= (i + 1) * ExportCorrector.PROGRESS_EVERY_BYTES);
        }

        Files.writeString(export.resolve("blinks.csv"), "blink id,start timestamp [ns],end timestamp [ns]\n1,"
                + (T0 + 20 * S) + ",12e\n");
        IOException e = assertThrows(CsvCorrector.CorrectionException.class, () -> new ExportCorrector(model,
                ClockDirection.TRACKED_TO_LOCAL, OutsidePolicy.FAIL, true).correct(export, Files.createDirectories(
                dir.resolve("out2")), null));
        assertEquals("blinks.csv: line 2: '12e' in column 'end timestamp [ns]' is not a number in ns; pass --bad-rows "
                + "keep to copy such rows unchanged", e.getMessage());
    }
}
