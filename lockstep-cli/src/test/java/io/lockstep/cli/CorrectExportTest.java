package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.log.OffsetLog;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.Scenario;
import io.lockstep.sim.ScenarioRun;
import io.lockstep.sim.SimulatedProbe;
import io.lockstep.track.ClockTracker;

/**
 * {@code lockstep correct --export}: a Neon-like phone whose clock reads 1.5 s ahead of the PC's
 * and drifts 21 ppm is tracked over a simulated busy Wi-Fi with Time Echo's 1 ms stamps (twenty
 * minutes in virtual time, logged by the same tracker and log writer as {@code lockstep track});
 * an export folder with the real Pupil Cloud file and column names, stamped by the phone, is
 * then corrected in one command and compared with the truth column by column.
 */
class CorrectExportTest {

    private static final long S = 1_000_000_000L;
    /** The phone's clock reads this far ahead of the PC's at the start. */
    private static final long PHONE_AHEAD_NANOS = 1_500_000_000L;

    @TempDir
    static Path shared;
    static Path log;
    static SimulatedProbe probe;
    static long firstLocal;

    @TempDir
    Path dir;

    @BeforeAll
    static void trackAPhone() throws IOException {
        log = shared.resolve("neon-offsets.csv");
        ScenarioRun run = new ScenarioRun(new Scenario("neon", LinkModel.busyWifi(), PHONE_AHEAD_NANOS, 21, 0.0002,
                1_000_000, -1, 0, -1, 0, 1200 * S, S, 5));
        probe = run.simulatedProbe();
        try (OffsetLog offsets = OffsetLog.openAppend(log)) {
            ClockTracker tracker = new ClockTracker(run.probe(), run.localClock(), S, offsets.nextSegment());
            firstLocal = run.localClock().wallNanos();
            for (int i = 0; i < 1200; i++) {
                run.truth().advance(i * S - run.truth().monoNanos());
                offsets.append(tracker.sampleOnce());
            }
        }
    }

    /** What the phone's clock read at true time {@code t} (ns since the start). */
    static long phoneAt(long t) {
        return firstLocal + t - probe.trueOffsetAtNanos(t);
    }

    /** What the PC's clock (the host that ran track) read at true time {@code t}. */
    static long pcAt(long t) {
        return firstLocal + t;
    }

    /** A phone-stamped export of a recording from minute 2 lasting {@code seconds}. */
    private NeonExportFixture phoneExport(Path export, int seconds) throws IOException {
        return new NeonExportFixture(export, CorrectExportTest::phoneAt, CorrectExportTest::pcAt)
                .write(120 * S, (120 + seconds) * S);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(MainTest.Result r) {
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) TestJson.parse(r.out().trim());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPhoneExportCorrectedInOneCommandMatchesThePcClockColumnByColumn() throws IOException {
        Path export = dir.resolve("Timeseries Data");
        NeonExportFixture fixture = phoneExport(export, 600);
        Path out = dir.resolve("Timeseries Data (PC clock)");
        Map<String, Object> m = json(MainTest.run("correct", "--log", log.toString(), "--export", export.toString(),
                "--out", out.toString(), "--from", "tracked", "--to", "local", "--json"));
        assertEquals("tracked", m.get("from"));
        assertEquals("local", m.get("to"));
        List<Map<String, Object>> files = (List<Map<String, Object>>) m.get("files");
        StringBuilder numbers = new StringBuilder();
        assertEquals(fixture.truth.keySet().size() + 1, files.size(), files.toString());
        for (Map<String, Object> f : files) {
            String file = (String) f.get("file");
            if (file.endsWith("/info.json")) {
                assertStartTime(export.resolve(file), out.resolve(file), fixture.startTimeTruth, (Long) f.get("max_error_bound_ns"));
                continue;
            }
            Map<String, List<Long>> truth = fixture.truth.get(file);
            assertTrue(truth != null, "corrected only files with timestamp columns: " + file);
            assertEquals(new ArrayList<>(truth.keySet()), f.get("columns"), file);
            long bound = (Long) f.get("max_error_bound_ns");
            assertTrue(bound > 0 && bound < 5_000_000L, file + " bound " + bound);
            long worst = compare(export.resolve(file), out.resolve(file), truth, bound, 0);
            numbers.append(String.format(Locale.ROOT, "%s: %d rows, worst error %.1f us, bound %.1f us%n", file,
                    (Long) f.get("rows"), worst / 1e3, bound / 1e3));
        }
        System.out.print(numbers);
        for (String file : fixture.untouched) {
            assertEquals(-1, Files.mismatch(export.resolve(file), out.resolve(file)), file + " copied byte for byte");
        }
        assertTrue(Files.exists(out.resolve("2026-11-30_10-00-00-5b1e7c4d/empty.csv")));
        String report = Files.readString(out.resolve("correction_report.txt"));
        assertTrue(report.contains("from tracked to local") && report.contains("gaze.csv")
                && report.contains("start timestamp [ns], end timestamp [ns]"), report);
        assertTrue(staged(dir).isEmpty(), "no staged leftovers: " + staged(dir));

        // Correcting the corrected folder again would shift it by the offset twice: refused.
        MainTest.Result again = MainTest.run("correct", "--log", log.toString(), "--export", out.toString(), "--out",
                dir.resolve("twice").toString(), "--from", "tracked", "--to", "local");
        MainTest.assertOneLineError(again, "already corrected");
        assertEquals(2, again.code());
    }

    /** info.json's start_time moved to within {@code bound} of the truth, every other byte kept. */
    private static void assertStartTime(Path in, Path out, long truth, long bound) throws IOException {
        String before = Files.readString(in);
        String after = Files.readString(out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"start_time\": (\\d+)").matcher(after);
        assertTrue(m.find(), after);
        long corrected = Long.parseLong(m.group(1));
        assertTrue(bound > 0 && Math.abs(corrected - truth) <= bound, out + ": start_time " + corrected + " truth " + truth
                + " bound " + bound);
        assertEquals(before.replaceFirst("\"start_time\": \\d+", ""), after.replaceFirst("\"start_time\": \\d+", ""),
                "only start_time changes in " + out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCloudDownloadOfThreeRecordingsFromTwoPhonesIsCorrectedEachWithItsOwnPhonesLog() throws IOException {
        // A second phone, tracked as the first: its own clock, drift and log.
        Path logB = dir.resolve("neon-b-offsets.csv");
        ScenarioRun runB = new ScenarioRun(new Scenario("neon-b", LinkModel.busyWifi(), -800_000_000L, -13, 0.0002,
                1_000_000, -1, 0, -1, 0, 1200 * S, S, 11));
        SimulatedProbe probeB = runB.simulatedProbe();
        long firstLocalB;
        try (OffsetLog offsets = OffsetLog.openAppend(logB)) {
            ClockTracker tracker = new ClockTracker(runB.probe(), runB.localClock(), S, offsets.nextSegment());
            firstLocalB = runB.localClock().wallNanos();
            for (int i = 0; i < 1200; i++) {
                runB.truth().advance(i * S - runB.truth().monoNanos());
                offsets.append(tracker.sampleOnce());
            }
        }
        long b0 = firstLocalB;
        java.util.function.LongUnaryOperator phoneB = t -> b0 + t - probeB.trueOffsetAtNanos(t);
        java.util.function.LongUnaryOperator pcB = t -> b0 + t;

        Path download = dir.resolve("Cloud download");
        List<NeonExportFixture> recordings = List.of(
                new NeonExportFixture(download, CorrectExportTest::phoneAt, CorrectExportTest::pcAt)
                        .recording("2026-11-30_10-02-00-aaaa0001", "Neon A").write(120 * S, 240 * S),
                new NeonExportFixture(download, phoneB, pcB)
                        .recording("2026-11-30_10-05-00-bbbb0001", "Neon B").write(300 * S, 420 * S),
                new NeonExportFixture(download, CorrectExportTest::phoneAt, CorrectExportTest::pcAt)
                        .recording("2026-11-30_10-10-00-aaaa0002", "Neon A").write(600 * S, 720 * S));
        Files.writeString(download.resolve("enrichment_info.txt"), "not a recording\n");

        // One log for two phones' recordings would silently bend one of them: refused, naming both phones.
        MainTest.Result oneLog = MainTest.run("correct", "--log", log.toString(), "--export", download.toString(), "--out",
                dir.resolve("one").toString(), "--from", "tracked", "--to", "local");
        MainTest.assertOneLineError(oneLog, "holds recordings from 2 phones (Neon A, Neon B)");
        assertEquals(2, oneLog.code());
        // A phone without a log: the recording is named, nothing is written.
        MainTest.Result missing = MainTest.run("correct", "--log", "Neon A=" + log, "--export", download.toString(),
                "--out", dir.resolve("missing").toString(), "--from", "tracked", "--to", "local");
        MainTest.assertOneLineError(missing, "no offset log for 1 recording: 2026-11-30_10-05-00-bbbb0001 (phone 'Neon B')");
        assertEquals(2, missing.code());
        assertFalse(Files.exists(dir.resolve("missing")));

        Path out = dir.resolve("Cloud download (PC clock)");
        Map<String, Object> m = json(MainTest.run("correct", "--log", "Neon A=" + log, "--log", "Neon B=" + logB,
                "--export", download.toString(), "--out", out.toString(), "--from", "tracked", "--to", "local", "--json"));
        List<Map<String, Object>> recs = (List<Map<String, Object>>) m.get("recordings");
        assertEquals(List.of("Neon A", "Neon B", "Neon A"), recs.stream().map(r -> r.get("phone")).toList());
        // The fixture's enrichment sits beside the recordings and holds rows of several of them: copied as it
        // is and named, since no one phone's log applies to it.
        assertEquals(List.of("enrichments/marker-mapper_poster/sections.csv",
                "enrichments/marker-mapper_poster/surface_positions.csv"), m.get("not_corrected"));
        List<Map<String, Object>> files = (List<Map<String, Object>>) m.get("files");
        int checked = 0;
        for (Map<String, Object> f : files) {
            String file = (String) f.get("file");
            long bound = (Long) f.get("max_error_bound_ns");
            NeonExportFixture fixture = recordings.stream().filter(r -> file.startsWith(r.folderName() + "/"))
                    .findFirst().orElseThrow();
            if (file.endsWith("/info.json")) {
                assertStartTime(download.resolve(file), out.resolve(file), fixture.startTimeTruth, bound);
            } else {
                assertTrue(bound > 0 && bound < 5_000_000L, file + " bound " + bound);
                compare(download.resolve(file), out.resolve(file), fixture.truth.get(file), bound, 0);
            }
            checked++;
        }
        assertEquals(recordings.stream().mapToLong(r -> r.truth.keySet().stream()
                .filter(k -> k.startsWith(r.folderName() + "/")).count() + 1).sum(), checked);
        assertEquals(-1, Files.mismatch(download.resolve("enrichment_info.txt"), out.resolve("enrichment_info.txt")));
        String report = Files.readString(out.resolve("correction_report.txt"));
        assertTrue(report.contains("recording   2026-11-30_10-05-00-bbbb0001: phone Neon B, log " + logB), report);
    }

    /**
     * Compares a corrected CSV with its input: timestamp columns against the truth within
     * {@code bound} after subtracting {@code expectedErrorNanos}, every other cell unchanged.
     * Returns the largest error seen (after the subtraction).
     */
    private static long compare(Path in, Path out, Map<String, List<Long>> truth, long bound, long expectedErrorNanos)
            throws IOException {
        List<String> before = Files.readAllLines(in);
        List<String> after = Files.readAllLines(out);
        assertEquals(before.size(), after.size(), out.toString());
        assertEquals(before.get(0), after.get(0));
        List<String> header = split(before.get(0));
        long worst = 0;
        for (int row = 1; row < before.size(); row++) {
            List<String> a = split(before.get(row));
            List<String> b = split(after.get(row));
            assertEquals(a.size(), b.size());
            for (int c = 0; c < a.size(); c++) {
                List<Long> column = truth.get(header.get(c));
                if (column == null) {
                    assertEquals(a.get(c), b.get(c), out + " line " + (row + 1) + " column " + header.get(c));
                    continue;
                }
                long error = Long.parseLong(b.get(c)) - column.get(row - 1) - expectedErrorNanos;
                worst = Math.max(worst, Math.abs(error));
                assertTrue(Math.abs(error) <= bound, out + " line " + (row + 1) + " " + header.get(c) + ": error "
                        + error + " ns beyond the bound " + bound);
            }
        }
        return worst;
    }

    /** Fields of one CSV line (quotes kept), enough for the fixture's lines. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            }
            if (ch == ',' && !quoted) {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        fields.add(f.toString());
        return fields;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWrongDirectionLandsTwiceTheOffsetAway() throws IOException {
        Path export = dir.resolve("export");
        NeonExportFixture fixture = phoneExport(export, 120);
        Path out = dir.resolve("wrong");
        Map<String, Object> m = json(MainTest.run("correct", "--log", log.toString(), "--export", export.toString(),
                "--out", out.toString(), "--from", "local", "--to", "tracked", "--json"));
        // offset = PC − phone ≈ −1.5 s: mapped the wrong way, phone times move 1.5 s further from the PC's.
        long offsetAtEvent = probe.trueOffsetAtNanos(180 * S);
        for (Map<String, Object> f : (List<Map<String, Object>>) m.get("files")) {
            String file = (String) f.get("file");
            if (file.endsWith("/info.json")) {
                continue; // its start_time is checked the right way round in the first test
            }
            long bound = (Long) f.get("max_error_bound_ns");
            // The drift over the recording (21 ppm × 120 s = 2.5 ms, twice) is allowed on top of the bound.
            long worst = compare(export.resolve(file), out.resolve(file), fixture.truth.get(file), 2 * bound + 30_000_000L,
                    -2 * offsetAtEvent);
            assertTrue(worst < 30_000_000L, file + " " + worst);
        }
        assertTrue(-2 * offsetAtEvent > 2_900_000_000L, "the wrong way is about 3 s off: " + -2 * offsetAtEvent);
    }

    /** Single files both ways, each against its own truth: the direction words mean what they say. */
    @Test
    void bothDirectionsOfASingleFileLandOnTheTruth() throws IOException {
        StringBuilder phone = new StringBuilder("recording id,timestamp [ns],name\n");
        StringBuilder pc = new StringBuilder("t_ns,trigger\n");
        List<Long> pcTruth = new ArrayList<>();
        List<Long> phoneTruth = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long t = 30 * S + i * 5_700_000_000L + 123_457;
            phone.append("r1,").append(phoneAt(t)).append(",onset ").append(i).append('\n');
            pcTruth.add(pcAt(t));
            pc.append(pcAt(t)).append(",T").append(i).append('\n');
            phoneTruth.add(phoneAt(t));
        }
        Path events = Files.writeString(dir.resolve("events.csv"), phone);
        Path triggers = Files.writeString(dir.resolve("triggers.csv"), pc);
        Map<String, Object> toPc = json(MainTest.run("correct", "--log", log.toString(), "--in", events.toString(),
                "--column", "timestamp [ns]", "--out", dir.resolve("events-pc.csv").toString(), "--from", "tracked",
                "--to", "local", "--json"));
        compare(events, dir.resolve("events-pc.csv"), Map.of("timestamp [ns]", pcTruth),
                (Long) toPc.get("max_error_bound_ns"), 0);
        Map<String, Object> toPhone = json(MainTest.run("correct", "--log", log.toString(), "--in", triggers.toString(),
                "--column", "t_ns", "--out", dir.resolve("triggers-phone.csv").toString(), "--from", "local", "--to",
                "tracked", "--json"));
        compare(triggers, dir.resolve("triggers-phone.csv"), Map.of("t_ns", phoneTruth),
                (Long) toPhone.get("max_error_bound_ns"), 0);
    }

    @Test
    void withoutADirectionTheErrorExplainsBoth() throws IOException {
        Path export = dir.resolve("export");
        phoneExport(export, 30);
        String out = dir.resolve("out").toString();
        MainTest.Result none = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out", out);
        MainTest.assertOneLineError(none, "--from tracked --to local for data stamped by the device track followed");
        assertTrue(none.err().contains("--from local --to tracked for data stamped by the host that ran track")
                && none.err().contains("lands 3"), none.err());
        assertEquals(2, none.code());
        MainTest.Result half = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out",
                out, "--from", "tracked");
        MainTest.assertOneLineError(half, "--from tracked needs --to too");
        MainTest.Result same = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out",
                out, "--from", "local", "--to", "local");
        MainTest.assertOneLineError(same, "one must be local and the other tracked");
        MainTest.Result word = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out",
                out, "--from", "phone", "--to", "local");
        MainTest.assertOneLineError(word, "--from 'phone' is not a clock of the offset log");
        MainTest.Result reverse = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out",
                out, "--reverse");
        MainTest.assertOneLineError(reverse, "--reverse is gone: name the direction instead, --from tracked --to local");
        for (MainTest.Result r : List.of(half, same, word, reverse)) {
            assertEquals(2, r.code(), r.err());
        }
        assertFalse(Files.exists(Path.of(out)));
    }

    /** Runs correct --export and checks a one-line error, exit 2, and that nothing was left behind. */
    private MainTest.Result refused(String contains, Path export, Path out, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("correct", "--log", log.toString(), "--export", export.toString(),
                "--out", out.toString(), "--from", "tracked", "--to", "local"));
        args.addAll(List.of(more));
        MainTest.Result r = MainTest.run(args.toArray(String[]::new));
        MainTest.assertOneLineError(r, contains);
        assertEquals(2, r.code(), r.err());
        assertTrue(staged(out.toAbsolutePath().getParent()).isEmpty(), "no staged leftovers");
        return r;
    }

    private static List<Path> staged(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> StagedOutput.NAME.matcher(p.getFileName().toString()).matches()).toList();
        }
    }

    @Test
    void badExportsAreOneLineErrorsAndWriteNothing() throws IOException {
        Path out = dir.resolve("out");
        refused("no such export folder: " + dir.resolve("nowhere"), dir.resolve("nowhere"), out);
        refused("is a file, not an export folder", Files.writeString(dir.resolve("gaze.csv"), "x\n"), out);

        Path noCsv = Files.createDirectories(dir.resolve("no-csv"));
        Files.writeString(noCsv.resolve("info.json"), "{}");
        Files.writeString(noCsv.resolve("aoi_metrics.csv"), "aoi id,total fixation duration [ms]\n1,200\n");
        refused("no CSV file in", noCsv, out);
        assertFalse(Files.exists(out));

        Path late = dir.resolve("late");
        phoneExport(late, 30);
        Path events = late.resolve("2026-11-30_10-00-00-5b1e7c4d/events.csv");
        Files.writeString(events, "r1," + phoneAt(5000 * S) + ",too late,recording\n",
                java.nio.file.StandardOpenOption.APPEND);
        long lines = Files.readAllLines(events).size();
        refused("2026-11-30_10-00-00-5b1e7c4d/events.csv: line " + lines + ": timestamp " + phoneAt(5000 * S)
                + " is outside the offset log's span; pass --outside", late, out);
        assertFalse(Files.exists(out));
        // With --outside keep, the row is copied and reported, the rest corrected.
        MainTest.Result kept = MainTest.run("correct", "--log", log.toString(), "--export", late.toString(), "--out",
                out.toString(), "--from", "tracked", "--to", "local", "--outside", "keep");
        assertEquals(0, kept.code(), kept.err());
        assertTrue(kept.out().contains("events.csv: 1 rows outside the offset log's span (copied unchanged): lines "
                + lines), kept.out());

        Path malformed = dir.resolve("malformed");
        phoneExport(malformed, 30);
        Path gaze = malformed.resolve("2026-11-30_10-00-00-5b1e7c4d/gaze.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(gaze));
        List<String> cells = split(rows.get(41));
        cells.set(2, cells.get(2).substring(0, 10) + "x" + cells.get(2).substring(11));
        rows.set(41, String.join(",", cells));
        Files.write(gaze, rows);
        refused("2026-11-30_10-00-00-5b1e7c4d/gaze.csv: line 42: '" + cells.get(2)
                + "' in column 'timestamp [ns]' is not a number in ns; pass --bad-rows keep", malformed,
                dir.resolve("out2"));
        assertFalse(Files.exists(dir.resolve("out2")));
    }

    @Test
    void theOutputFolderIsNewEmptyOrForcedAndNeverTheInput() throws IOException {
        Path export = dir.resolve("export");
        phoneExport(export, 30);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path notes = Files.writeString(out.resolve("notes.txt"), "mine");
        refused("--out " + out + " exists and is not empty; pass --force", export, out);
        refused("--out must not be the export folder itself", export, export);
        refused("must not be inside one another", export, export.resolve("corrected"));
        refused("must not be inside one another", export, dir);
        refused("--out " + notes + " is a file", export, notes);
        MainTest.Result forced = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out",
                out.toString(), "--from", "tracked", "--to", "local", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("mine", Files.readString(notes), "other files in a forced --out are left alone");
        assertTrue(Files.exists(out.resolve("2026-11-30_10-00-00-5b1e7c4d/gaze.csv")));
        assertTrue(Files.exists(out.resolve("correction_report.txt")));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        MainTest.Result intoEmpty = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(),
                "--out", empty.toString(), "--from", "tracked", "--to", "local");
        assertEquals(0, intoEmpty.code(), intoEmpty.err());
        assertEquals(-1, Files.mismatch(out.resolve("2026-11-30_10-00-00-5b1e7c4d/gaze.csv"),
                empty.resolve("2026-11-30_10-00-00-5b1e7c4d/gaze.csv")));
        assertTrue(staged(dir).isEmpty());
    }

    /** A SIGKILLed run's staged folder is removed by a later run once its process is gone and it is old; nothing else. */
    @Test
    void stagedFoldersOfKilledRunsAreRemovedAndNothingElse() throws Exception {
        Path export = dir.resolve("export");
        phoneExport(export, 30);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 3_600_000L);
        Path dead = Files.createDirectories(dir.resolve(".out.lockstep-" + gone.pid() + "-7.tmp/rec"));
        Files.writeString(dead.resolve("gaze.csv"), "partial");
        Path deadFresh = Files.createDirectories(dir.resolve(".other.lockstep-" + gone.pid() + "-8.tmp"));
        Files.writeString(deadFresh.resolve("gaze.csv"), "written just now: maybe a run on another host");
        Path alive = Files.createDirectories(dir.resolve(".out.lockstep-" + ProcessHandle.current().pid() + "-9.tmp"));
        Path notOurs = Files.createDirectories(dir.resolve(".out.backup.tmp"));
        for (Path p : List.of(dead.resolve("gaze.csv"), dead, dead.getParent(), alive, notOurs)) {
            Files.setLastModifiedTime(p, longAgo);
        }
        MainTest.Result r = MainTest.run("correct", "--log", log.toString(), "--export", export.toString(), "--out",
                dir.resolve("out").toString(), "--from", "tracked", "--to", "local");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dead.getParent()), "a killed run's staged folder");
        assertTrue(Files.exists(deadFresh.resolve("gaze.csv")), "written within the last minute");
        assertTrue(Files.exists(alive), "its process is alive");
        assertTrue(Files.exists(notOurs), "not named by lockstep");
    }
}
