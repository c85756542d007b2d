package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.time.TimeSource;

/**
 * The bound of a firing report covers the instant the action ran, not only the clock reading
 * before it: a {@code write} action to a FIFO blocks until a reader opens it, so the action
 * surely happens at or after the instant the test opens the reader, well after the scheduled
 * instant. The truth (this host's clock, which the reference serves) must lie within the
 * report's bound of its {@code fired_reference_ns}.
 */
class FiringReportCoversTheActionTest {

    private static final long MS = 1_000_000L;
    private static final FleetKey KEY = FleetKey.random();

    @TempDir
    Path dir;

    @Test
    void theBoundCoversAnActionThatTookLong() throws Exception {
        Path fifo = dir.resolve("slow.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        ActionsFile actions = ActionsFile.parse("slow write " + fifo + " 1\n", "actions.txt", dir);
        try (TriggerRig rig = new TriggerRig(0)) {
            TriggerRig.Member m = rig.agent("a1", 40 * MS, 12.0, actions, KEY);
            rig.awaitSynced();
            long at = m.nowReferenceNanos() + 500 * MS;
            Trigger t = Trigger.create("slow", at, at + 60_000 * MS, 0, 1, 0).signedWith(KEY);
            m.desk().accept(t);
            // The reader opens 300 ms after the instant; the writer's open cannot complete before.
            AtomicLong readerOpenedHostNanos = new AtomicLong();
            Thread reader = new Thread(() -> {
                TimeSource host = TimeSource.system();
                try {
                    while (host.wallNanos() < at + 300 * MS) {
                        Thread.sleep(5);
                    }
                    readerOpenedHostNanos.set(host.wallNanos());
                    try (InputStream in = Files.newInputStream(fifo)) {
                        in.readAllBytes();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.start();
            reader.join(30_000);
            FiringReport f = awaitFiring(m.desk(), t.id());
            assertTrue(f.fired(), f.toString());
            long truth = readerOpenedHostNanos.get();
            // 1 ms for the agents' and the server's stamping, as the other trigger tests allow.
            assertTrue(Math.abs(truth - f.firedReferenceNanos()) <= f.errorBoundNanos() + MS,
                    "truth " + truth + " vs reported " + f.firedReferenceNanos() + " ± " + f.errorBoundNanos()
                            + " (" + (truth - f.firedReferenceNanos()) / 1e6 + " ms off)");
            assertTrue(f.actionNanos() != null && f.actionNanos() >= 250 * MS, f.toString());
        }
    }

    private static FiringReport awaitFiring(TriggerDesk desk, String id) throws InterruptedException {
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> r = desk.report(id).orElseThrow();
            List<?> firings = (List<?>) r.get("firings");
            if (!firings.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> first = (Map<String, Object>) firings.get(0);
                return FiringReport.fromJson(first);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("trigger " + id + " never fired");
    }
}
