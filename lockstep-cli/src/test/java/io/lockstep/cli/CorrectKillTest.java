package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;
import io.lockstep.log.OffsetLog;

/**
 * For real: a `lockstep correct` process is killed with SIGKILL while writing, and its staged
 * output is left behind under a name that carries its pid; a later run removes it (once it has
 * been untouched for the guard time, simulated here by ageing the file).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CorrectKillTest {

    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * S;

    @TempDir
    Path dir;

    private Path log() throws IOException {
        Path log = dir.resolve("offsets.csv");
        try (OffsetLog l = OffsetLog.openAppend(log)) {
            for (int i = 0; i < 3600; i++) {
                long local = T0 + i * S;
                l.append(new TrackRecord(local, local - 5_000, 100_000 + (i % 7) * 1_000, 5_000 + (i % 5) * 100, 5_000,
                        60_000, 0.0, ClockState.SYNCED, SampleVerdict.ACCEPTED, 0, 1));
            }
        }
        return log;
    }

    private static List<Path> staged(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> StagedOutput.NAME.matcher(p.getFileName().toString()).matches()).toList();
        }
    }

    @Test
    void aKilledRunsStagedOutputIsRemovedByTheNextRun() throws Exception {
        Path log = log();
        Path in = dir.resolve("big.csv");
        try (OutputStream w = new BufferedOutputStream(Files.newOutputStream(in), 1 << 20)) {
            w.write("t_ns,x\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 4_000_000; i++) {
                w.write((T0 + 60 * S + i * 800_000L + ",1\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        Path out = dir.resolve("big-ref.csv");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "correct", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", in.toString(), "--column", "t_ns", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (staged(dir).isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(child.isAlive(), "the run was still writing when killed");
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, so no deleteOnExit
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(out), "no half-written output");
        List<Path> left = staged(dir);
        assertEquals(1, left.size(), left.toString());
        Matcher m = StagedOutput.NAME.matcher(left.get(0).getFileName().toString());
        assertTrue(m.matches() && Long.parseLong(m.group(1)) == child.pid(), left + " carries pid " + child.pid());
        Files.setLastModifiedTime(left.get(0),
                FileTime.fromMillis(System.currentTimeMillis() - StagedOutput.LEFTOVER_AGE_MILLIS - 1_000));

        Path small = Files.writeString(dir.resolve("small.csv"), "t_ns,x\n" + (T0 + 100 * S) + ",1\n");
        MainTest.Result r = MainTest.run("correct", "--log", log.toString(), "--from", "local", "--to", "tracked",
                "--in", small.toString(), "--column",
                "t_ns", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(staged(dir).isEmpty(), "the leftover is gone: " + staged(dir));
        assertEquals(2, Files.readAllLines(out).size());
    }
}
