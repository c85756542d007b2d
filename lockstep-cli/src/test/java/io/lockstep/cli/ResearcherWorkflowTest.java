package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The study of docs/neon.md end to end on a fake phone, as a researcher runs it: {@code track} logging
 * in the background, {@code record start}, an {@code event}, {@code record stop}, then the
 * phone's events as an export ({@code events.csv} with Pupil Cloud's columns) corrected to the
 * PC's clock with {@code correct --from tracked --to local}. Every marked instant must come back
 * as the PC time it was marked at, within the stated bounds.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResearcherWorkflowTest {

    private static final TimeSource LOCAL = TimeSource.system();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(MainTest.Result r) {
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) TestJson.parse(r.out().trim());
    }

    private static long syncedRows(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(",SYNCED,ACCEPTED,")).count() : 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> phone(Map<String, Object> m) {
        return ((List<Map<String, Object>>) m.get("phones")).get(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void markRecordAndCorrectTheExportBackToThePcClock(@TempDir Path dir) throws Exception {
        SimulatedTimeSource phoneClock = new SimulatedTimeSource(LOCAL, 1_234_567_000L, 15.0);
        try (FakeCompanion app = FakeCompanion.start(phoneClock)) {
            String target = "neon://127.0.0.1:" + app.httpPort();
            Path log = dir.resolve("phone.csv");
            AtomicInteger trackExit = new AtomicInteger(-1);
            ByteArrayOutputStream trackErr = new ByteArrayOutputStream();
            Thread track = new Thread(() -> trackExit.set(Main.run(new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(trackErr, true, StandardCharsets.UTF_8), "track", target, "--interval", "250ms",
                    "--log", log.toString())), "track-under-test");
            // No --duration: the tracker runs until the study is over, however slow the machine; a
            // fixed duration would have to outlast convergence and every step below.
            track.start();
            // As in a session: the tracker has synced before the study starts.
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (syncedRows(log) < 4 && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
            assertTrue(syncedRows(log) >= 4, "the tracker did not sync within 90 s: " + trackErr);

            Map<String, Object> start = json(MainTest.run("record", "start", target, "--log", log.toString(), "--json"));
            Thread.sleep(500);
            Map<String, Object> event = json(MainTest.run("event", target, "stimulus.onset", "--log", log.toString(),
                    "--json"));
            Thread.sleep(500);
            Map<String, Object> stop = json(MainTest.run("record", "stop", target, "--log", log.toString(), "--json"));
            // The log reaches past the study's end, as when a researcher stops the tracker afterwards.
            long rowsAtStop = syncedRows(log);
            while (syncedRows(log) < rowsAtStop + 2 && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
            track.interrupt();
            track.join(60_000);
            assertFalse(track.isAlive(), "track did not stop when interrupted");
            // Interrupted while parked, track returns 0; interrupted inside its log write, the JDK
            // closes the log's channel (the row is whole: a file write is not torn by an interrupt).
            String trackError = trackErr.toString(StandardCharsets.UTF_8);
            assertTrue(trackExit.get() == 0 || trackError.contains("ClosedByInterruptException"), trackExit + " " + trackError);

            // The phone's export: the events it kept, stamped in its own clock.
            Map<String, Long> markedAt = new HashMap<>();
            Map<String, Long> markBound = new HashMap<>();
            for (Map<String, Object> m : List.of(start, event, stop)) {
                String name = m.containsKey("event") ? (String) m.get("event") : (String) m.get("name");
                markedAt.put(name, (Long) m.get("local_wall_ns"));
                markBound.put(name, (Long) phone(m).get("error_bound_ns"));
                long ts = (Long) phone(m).get("phone_timestamp_ns");
                long truth = (Long) m.get("local_wall_ns")
                        + phoneClock.aheadAtReferenceWallNanos((Long) m.get("local_wall_ns"));
                assertTrue(Math.abs(ts - truth) <= markBound.get(name), name + ": phone " + ts + " truth " + truth);
            }
            Path export = Files.createDirectories(dir.resolve("Timeseries Data").resolve("2026-11-30_10-00-00-abc"));
            StringBuilder csv = new StringBuilder("recording id,timestamp [ns],name,type\n");
            List<FakeCompanion.ReceivedEvent> kept = new ArrayList<>();
            for (FakeCompanion.ReceivedEvent e : app.events()) {
                if (e.recordingId() != null) {
                    kept.add(e);
                    csv.append(e.recordingId()).append(',').append(e.timestampNanos()).append(',').append(e.name())
                            .append(",recording\n");
                }
            }
            assertEquals(List.of("lockstep.record.start", "stimulus.onset", "lockstep.record.stop"),
                    kept.stream().map(FakeCompanion.ReceivedEvent::name).toList());
            Files.writeString(export.resolve("events.csv"), csv.toString());

            Path out = dir.resolve("Timeseries Data (PC clock)");
            Map<String, Object> corrected = json(MainTest.run("correct", "--log", log.toString(), "--export",
                    dir.resolve("Timeseries Data").toString(), "--out", out.toString(), "--from", "tracked", "--to",
                    "local", "--json"));
            Map<String, Object> file = ((List<Map<String, Object>>) corrected.get("files")).get(0);
            long correctionBound = (Long) file.get("max_error_bound_ns");
            List<String> rows = Files.readAllLines(out.resolve("2026-11-30_10-00-00-abc").resolve("events.csv"));
            assertEquals(4, rows.size(), rows.toString());
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split(",");
                long pcTime = Long.parseLong(cells[1]);
                long error = pcTime - markedAt.get(cells[2]);
                assertTrue(Math.abs(error) <= markBound.get(cells[2]) + correctionBound,
                        cells[2] + ": corrected " + pcTime + " is " + error + " ns from the marked instant; bounds "
                                + markBound.get(cells[2]) + " + " + correctionBound);
            }
        }
    }
}
