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

import io.lockstep.track.ClockTracker;
import io.lockstep.log.OffsetLog;
import io.lockstep.testkit.LinkModel;
import io.lockstep.testkit.Scenario;
import io.lockstep.testkit.ScenarioRun;
import io.lockstep.testkit.SimulatedProbe;
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
        String summary = execute("--log", log.toString(), "--in", in.toString(), "--column", "timestamp [ns]",
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
        cl.parseArgs("--log", log.toString(), "--in", in.toString(), "--column", "t_ms", "--out", out.toString());
        IOException e = assertThrows(IOException.class, cmd::call);
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("--outside"), e.getMessage());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        String summary = execute("--log", log.toString(), "--in", in.toString(), "--column", "t_ms", "--out",
                out.toString(), "--outside", "keep", "--json");
        assertTrue(summary.contains("\"outside\":1") && summary.contains("\"outside_lines\":[2]"), summary);
    }

    @Test
    void unknownUnitIsAOneLineError() throws IOException {
        Path in = dir.resolve("x.csv");
        Files.writeString(in, "time\n1\n");
        CorrectCommand cmd = new CorrectCommand();
        new CommandLine(cmd).parseArgs("--log", log.toString(), "--in", in.toString(), "--column", "time", "--out",
                dir.resolve("y.csv").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, cmd::call);
        assertTrue(e.getMessage().contains("--unit"), e.getMessage());
    }
}
