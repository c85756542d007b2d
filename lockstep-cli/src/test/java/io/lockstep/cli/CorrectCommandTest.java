package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.log.OffsetLog;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.Scenario;
import io.lockstep.sim.ScenarioRun;
import io.lockstep.sim.SimulatedProbe;
import io.lockstep.track.ClockTracker;
import picocli.CommandLine;

class CorrectCommandTest {

    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;
    Path log;
    SimulatedProbe probe;
    ScenarioRun run;
    long firstLocal;

    /** Tracks a simulated Neon-like device for 20 minutes in virtual time, logging every exchange. */
    @BeforeEach
    void writeLog() throws IOException {
        log = dir.resolve("offsets.csv");
        run = new ScenarioRun(Scenario.of("wifi", LinkModel.busyWifi(), 21, 8).withDuration(1200 * S, S));
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

    private String execute(String... args) throws Exception {
        CorrectCommand cmd = new CorrectCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.parseArgs(args);
        assertEquals(0, cmd.call());
        return out.toString();
    }

    @Test
    void correctsNeonTimestampsIntoTheReferenceClockWithinTheBound() throws Exception {
        // Device timestamps at known true instants: local (device) clock readings.
        Path in = dir.resolve("gaze.csv");
        StringBuilder csv = new StringBuilder("section id,timestamp [ns],gaze x [px]\n");
        long[] truthRef = new long[100];
        long[] local = new long[100];
        for (int i = 0; i < 100; i++) {
            long trueMono = (60 + i * 10) * S + 123_456;
            local[i] = firstLocal + trueMono;
            truthRef[i] = local[i] - probe.trueOffsetAtNanos(trueMono);
            csv.append("s1,").append(local[i]).append(",512.5\n");
        }
        Files.writeString(in, csv);
        Path out = dir.resolve("gaze-ref.csv");
        String summary = execute("--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column", "timestamp [ns]",
                "--out", out.toString());
        assertTrue(summary.startsWith("corrected 100 of 100 rows"), summary);
        List<String> lines = Files.readAllLines(out);
        assertEquals("section id,timestamp [ns],gaze x [px]", lines.get(0));
        for (int i = 0; i < 100; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals("s1", f[0]);
            assertEquals("512.5", f[2]);
            long error = Long.parseLong(f[1]) - truthRef[i];
            assertTrue(Math.abs(error) < 200_000, "row " + i + " error " + error);
        }
    }

    @Test
    void outsideRowsFailByDefaultAndLeaveNoOutput() throws Exception {
        Path in = dir.resolve("late.csv");
        Files.writeString(in, "t_ms\n" + (firstLocal / 1_000_000 + 100_000_000) + "\n");
        Path out = dir.resolve("late-ref.csv");
        CorrectCommand cmd = new CorrectCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.parseArgs("--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column", "t_ms", "--out", out.toString());
        Exception e = assertThrows(Cli.BadInput.class, cmd::call);
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("--outside"), e.getMessage());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        String summary = execute("--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column", "t_ms", "--out",
                out.toString(), "--outside", "keep", "--json");
        assertTrue(summary.contains("\"outside\":1") && summary.contains("\"outside_lines\":[2]"), summary);
    }

    @Test
    void unknownUnitIsAOneLineError() throws IOException {
        Path in = dir.resolve("x.csv");
        Files.writeString(in, "time\n1\n");
        CorrectCommand cmd = new CorrectCommand();
        new CommandLine(cmd).parseArgs("--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column", "time", "--out",
                dir.resolve("y.csv").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, cmd::call);
        assertTrue(e.getMessage().contains("--unit"), e.getMessage());
    }

    @Test
    void aMisspeltColumnIsNamedAsMissingNotAsAnUnknownUnit() throws IOException {
        // Before, a column name without a unit in it got "cannot tell the unit", sending the user
        // after --unit when the real mistake was the name.
        badInput("no column named 'timestamp' in " + gaze() + "; the header has [timestamp [ns], x]",
                "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", gaze().toString(), "--column", "timestamp", "--out", dir.resolve("o.csv").toString());
    }

    /** Runs `lockstep correct` through Main and checks it is a one-line error with exit code 2. */
    private static MainTest.Result badInput(String contains, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "correct";
        System.arraycopy(args, 0, full, 1, args.length);
        MainTest.Result r = MainTest.run(full);
        MainTest.assertOneLineError(r, contains);
        assertEquals(2, r.code(), "bad input exits 2: " + r.err());
        return r;
    }

    private Path gaze() throws IOException {
        Path in = dir.resolve("gaze.csv");
        Files.writeString(in, "timestamp [ns],x\n" + (firstLocal + 100 * S) + ",1\n");
        return in;
    }

    @Test
    void aGarbageLogNamesTheFileAndLine() throws Exception {
        byte[] good = Files.readAllBytes(log);
        byte[] garbage = new byte[good.length + 6];
        System.arraycopy(good, 0, garbage, 0, good.length);
        byte[] junk = {(byte) 0xFF, (byte) 0xFE, (byte) 0x80, 0x41, (byte) 0xC0, '\n'};
        System.arraycopy(junk, 0, garbage, good.length, junk.length);
        Files.write(log, garbage);
        MainTest.Result r = badInput("line 1202 is not text", "--log", log.toString(),
                "--from", "local", "--to", "tracked",
                "--in", gaze().toString(),
                "--column", "timestamp [ns]", "--out", dir.resolve("o.csv").toString());
        assertFalse(r.err().contains("Input length"), r.err());
    }

    @Test
    void nanInTheLogNamesColumnAndLine() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(log));
        String[] cells = lines.get(10).split(",", -1);
        cells[3] = "NaN";
        lines.set(10, String.join(",", cells));
        Files.write(log, lines);
        badInput("line 11: raw_offset_ns 'NaN' is not a whole number", "--log", log.toString(),
                "--from", "local", "--to", "tracked",
                "--in",
                gaze().toString(), "--column", "timestamp [ns]", "--out", dir.resolve("o.csv").toString());
    }

    @Test
    void aShuffledLogSaysItIsNotInTimeOrder() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(log));
        List<String> rows = new java.util.ArrayList<>(lines.subList(1, lines.size()));
        java.util.Collections.shuffle(rows, new java.util.Random(7));
        rows.add(0, lines.get(0));
        Files.write(log, rows);
        MainTest.Result r = badInput("the log is not in time order, line ", "--log", log.toString(),
                "--from", "local", "--to", "tracked",
                "--in",
                gaze().toString(), "--column", "timestamp [ns]", "--out", dir.resolve("o.csv").toString());
        assertFalse(r.err().contains("outside"), r.err());
    }

    @Test
    void everyBadOptionValueExitsTwo() throws Exception {
        String in = gaze().toString();
        String out = dir.resolve("o.csv").toString();
        badInput("--unit", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in, "--column", "timestamp [ns]", "--out", out,
                "--unit", "parsec");
        badInput("--outside", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in, "--column", "timestamp [ns]", "--out", out,
                "--outside", "maybe");
        badInput("--bad-rows", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in, "--column", "timestamp [ns]", "--out", out,
                "--bad-rows", "whatever");
        assertFalse(Files.exists(dir.resolve("o.csv")));
    }

    @Test
    void outPointingAtADirectoryNamesThatDirectory() throws Exception {
        Path target = Files.createDirectory(dir.resolve("results"));
        MainTest.Result r = badInput("--out " + target + " is a directory", "--log", log.toString(),
                "--from", "local", "--to", "tracked",
                "--in",
                gaze().toString(), "--column", "timestamp [ns]", "--out", target.toString());
        assertFalse(r.err().contains(".tmp"), r.err());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void aFiftyMegabyteLineIsNamed() throws Exception {
        Path in = dir.resolve("huge.csv");
        try (var w = Files.newOutputStream(in)) {
            w.write(("timestamp [ns],x\n" + (firstLocal + 100 * S) + ",1\n" + (firstLocal + 101 * S) + ",")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 50; i++) {
                w.write(block);
            }
            w.write('\n');
        }
        badInput("line 3: a record is longer than", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column",
                "timestamp [ns]", "--out", dir.resolve("o.csv").toString());
        assertFalse(Files.exists(dir.resolve("o.csv")));
    }

    @Test
    void aDuplicatedColumnNameIsAnError() throws Exception {
        Path in = dir.resolve("dup.csv");
        Files.writeString(in, "timestamp [ns],x,timestamp [ns]\n" + (firstLocal + 100 * S) + ",1,2\n");
        badInput("names column 'timestamp [ns]' more than once (columns 1 and 3)", "--log", log.toString(),
                "--from", "local", "--to", "tracked",
                "--in",
                in.toString(), "--column", "timestamp [ns]", "--out", dir.resolve("o.csv").toString());
    }

    @Test
    void rowsOutsideTheLogAreBadInputToo() throws Exception {
        Path in = dir.resolve("late.csv");
        Files.writeString(in, "t_ms\n" + (firstLocal / 1_000_000 + 100_000_000) + "\n");
        badInput("line 2", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column", "t_ms", "--out",
                dir.resolve("o.csv").toString());
    }

    /** What a SIGKILLed run leaves behind is removed by a later run, and nothing else is. */
    @Test
    void leftoversOfKilledRunsAreRemovedAndNothingElse() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        long livePid = ProcessHandle.current().pid();
        Path deadOld = dir.resolve(".gaze-ref.csv.lockstep-" + deadPid + "-17.tmp");
        Path deadOtherOutput = dir.resolve(".other.csv.lockstep-" + deadPid + "-18.tmp");
        Path deadFresh = dir.resolve(".gaze-ref.csv.lockstep-" + deadPid + "-19.tmp");
        Path alive = dir.resolve(".gaze-ref.csv.lockstep-" + livePid + "-20.tmp");
        Path notOurs = dir.resolve(".gaze-ref.csv.12345.tmp");
        Path userFile = dir.resolve("notes.tmp");
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 3_600_000L);
        for (Path p : List.of(deadOld, deadOtherOutput, deadFresh, alive, notOurs, userFile)) {
            Files.writeString(p, "partial");
            if (p != deadFresh) {
                Files.setLastModifiedTime(p, longAgo);
            }
        }
        Path out = dir.resolve("gaze-ref.csv");
        execute("--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", gaze().toString(), "--column", "timestamp [ns]", "--out",
                out.toString());
        assertTrue(Files.exists(out));
        assertFalse(Files.exists(deadOld), "a killed run's leftover");
        assertFalse(Files.exists(deadOtherOutput), "a killed run's leftover for another output");
        assertTrue(Files.exists(deadFresh), "written within the last minute: maybe a live run on another host");
        assertTrue(Files.exists(alive), "its process is alive");
        assertTrue(Files.exists(notOurs), "not named by lockstep");
        assertTrue(Files.exists(userFile));
        try (var files = Files.list(dir)) {
            assertEquals(4, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(),
                    "the four kept, and no new leftovers of this run");
        }
    }
}
