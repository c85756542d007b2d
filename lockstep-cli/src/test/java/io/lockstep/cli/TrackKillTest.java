package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.log.OffsetLog;
import io.lockstep.net.EchoServer;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * Crash safety for real: a `lockstep track --log` process is killed with SIGKILL mid-run, and a
 * restarted one continues the same log, which stays fully readable.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TrackKillTest {

    @TempDir
    Path dir;

    private static Process track(int port, Path log, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "track", "echo://127.0.0.1:" + port, "--interval", "20ms", "--burst", "2", "--log", log.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long dataRows(Path log) throws IOException {
        return Files.exists(log) ? Math.max(0, Files.readAllLines(log).size() - 1) : 0;
    }

    @Test
    void killNineThenRestartKeepsTheLogValid() throws Exception {
        SimulatedTimeSource device = new SimulatedTimeSource(TimeSource.system(), 200_000_000L, 20);
        Path log = dir.resolve("offsets.csv");
        try (EchoServer server = EchoServer.start(device, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Process first = track(server.port(), log);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (dataRows(log) < 30 && System.nanoTime() < deadline && first.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(dataRows(log) >= 30, "the first tracker wrote rows");
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            long before = dataRows(log);

            Process second = track(server.port(), log, "--count", "10");
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the restarted tracker finished");
            assertEquals(0, second.exitValue());

            List<OffsetLog.Row> rows = new ArrayList<>();
            OffsetLog.read(log, (row, line) -> rows.add(row));
            assertTrue(rows.size() >= before - 1 + 10, rows.size() + " rows, " + before + " before the restart");
            assertEquals(0, rows.get(0).segment());
            assertEquals(1, rows.get(rows.size() - 1).segment(), "the restart continues in a new segment");
            assertEquals(1, Files.readAllLines(log).stream().filter(l -> l.equals(OffsetLog.HEADER)).count(),
                    "one header");
            for (int i = 1; i < rows.size(); i++) {
                assertTrue(rows.get(i).localNanos() >= rows.get(i - 1).localNanos(), "rows in time order");
            }
        }
    }
}
