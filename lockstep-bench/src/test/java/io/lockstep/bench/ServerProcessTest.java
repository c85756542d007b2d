package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServerProcessTest {

    /** Stands in for {@code lockstep serve}: prints listener lines, holds some heap, waits. */
    public static final class FakeServe {
        static byte[][] held;

        public static void main(String[] args) throws Exception {
            if (java.util.Arrays.asList(args).contains("--fail")) {
                System.err.println("lockstep serve: cannot serve NTP on 127.0.0.1:1: Permission denied");
                System.exit(1);
            }
            held = new byte[64][];
            for (int i = 0; i < held.length; i++) {
                held[i] = new byte[256 * 1024];
            }
            System.out.println("ntp 127.0.0.1:12300");
            System.out.println("echo 127.0.0.1:12321");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    private static ServerProcess.Launcher fake() {
        return ServerProcess.Launcher.sameAsThisJvm(FakeServe.class.getName());
    }

    @Test
    void readsListenersRssHeapAndLiveClassesOfTheOtherJvm() throws Exception {
        try (ServerProcess s = ServerProcess.start(fake(), List.of("-Xmx64m", "-XX:+UseSerialGC"),
                List.of("--ntp-port", "0", "--echo-port", "0"))) {
            assertEquals(12300, s.listener("ntp").getPort());
            assertEquals(12321, s.listener("echo").getPort());
            assertTrue(s.rssBytes() > 16L << 20, "RSS " + s.rssBytes());
            // Starting a JVM and filling 16 MiB takes more than one 10 ms tick.
            assertTrue(s.cpuNanos() >= 10_000_000L, "CPU " + s.cpuNanos());
            HotSpotCounters.Pauses pauses = s.pauses();
            assertTrue(pauses == null || (pauses.count() >= 0 && pauses.totalNanos() >= 0), String.valueOf(pauses));
            // The JVM publishes its heap counters on a sampling tick (50 ms by default): a read right
            // after start may see the previous tick's figures, so wait for one that shows the fill.
            HotSpotCounters.Heap heap = s.heap();
            long deadline = System.nanoTime() + 50_000_000_000L; // the fake server lives 60 s
            while (heap != null && heap.usedBytes() < 16L << 20 && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
                heap = s.heap();
            }
            if (heap != null) {
                assertTrue(heap.usedBytes() >= 16L << 20 && heap.committedBytes() <= 64L << 20, heap.toString());
            }
            Map<String, Long> live = s.liveHistogramBytes();
            if (!live.isEmpty()) {
                // The 64 arrays of 256 KiB the fake holds are live.
                assertTrue(live.get("[B") >= 16L << 20, "byte[] " + live.get("[B"));
            }
        }
    }

    @Test
    void aServerThatFailsToStartSaysWhy() {
        IOException e = assertThrows(IOException.class,
                () -> ServerProcess.start(fake(), List.of(), List.of("--ntp-port", "--fail")));
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void aShortCommandRunsWithTheSameCommandLineAndReportsItsExitAndOutput() throws Exception {
        CommandRun r = CommandRun.run(fake(), List.of("-Xmx32m"), List.of("--fail"), 60_000_000_000L);
        assertEquals(1, r.exitCode());
        assertFalse(r.stopped());
        assertTrue(new String(r.stderr(), java.nio.charset.StandardCharsets.UTF_8).contains("Permission denied"),
                new String(r.stderr(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aStoppedServerIsGone() throws Exception {
        ServerProcess s = ServerProcess.start(fake(), List.of(), List.of("--ntp-port", "0"));
        s.close();
        assertFalse(s.alive());
        assertEquals(-1, s.rssBytes());
        assertEquals(-1, s.cpuNanos());
    }
}
