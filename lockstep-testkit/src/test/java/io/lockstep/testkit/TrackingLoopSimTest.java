package io.lockstep.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;
import io.lockstep.correct.CorrectionModel;
import io.lockstep.log.OffsetLog;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.SimClock;
import io.lockstep.sim.SimLink;
import io.lockstep.sim.SimulatedProbe;
import io.lockstep.time.VirtualTimeSource;
import io.lockstep.track.ClockTracker;
import io.lockstep.track.TrackingLoop;

/** The tracking loop in virtual time against a served clock like `serve --simulate-offset 200ms --simulate-drift 20`. */
class TrackingLoopSimTest {

    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void twoMinutesFindTheDriftAndARestartContinuesTheLog() throws IOException {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock local = new SimClock(truth, 0, 0);
        SimClock served = new SimClock(truth, 200_000_000, 20);
        SimulatedProbe probe = new SimulatedProbe(truth, local, served,
                new SimLink(new LinkModel(30_000, 0, 10_000, 3, 0, 0, 0, 0, 0), 2), io.lockstep.protocol.Protocols.standard().find("ntp").orElseThrow(), 1, 500_000_000);
        Path log = dir.resolve("offsets.csv");
        TrackingLoop.Pacer virtual = mono -> truth.advance(Math.max(0, mono - truth.monoNanos()));
        List<TrackRecord> records = new ArrayList<>();

        ClockTracker tracker;
        try (OffsetLog offsets = OffsetLog.openAppend(log)) {
            tracker = new ClockTracker(probe, local, S, offsets.nextSegment());
            long n = new TrackingLoop(tracker, local, virtual).run(120 * S, 0, r -> {
                offsets.append(r);
                records.add(r);
            });
            assertEquals(120, n);
        }
        TrackRecord last = records.get(records.size() - 1);
        assertEquals(ClockState.SYNCED, last.state());
        // The served clock runs 20 ppm fast, so offset = local − served falls at 20 ppm.
        assertEquals(20.0, last.driftPpm(), 0.5, "remote runs 20 ppm fast");
        long truthOffset = probe.trueOffsetNanos();
        assertTrue(Math.abs(tracker.clock().offsetNanos() - truthOffset) <= tracker.clock().errorBoundNanos());

        // A restarted tracker appends to the same log as a new segment.
        try (OffsetLog offsets = OffsetLog.openAppend(log)) {
            assertEquals(1, offsets.nextSegment());
            ClockTracker again = new ClockTracker(probe, local, S, offsets.nextSegment());
            new TrackingLoop(again, local, virtual).run(0, 30, offsets::append);
        }
        List<OffsetLog.Row> rows = new ArrayList<>();
        OffsetLog.read(log, (r, line) -> rows.add(r));
        assertEquals(150, rows.size());
        assertEquals(1, rows.get(149).segment());
        assertTrue(rows.stream().anyMatch(r -> r.verdict() == SampleVerdict.ACCEPTED));
        assertEquals(2, CorrectionModel.fromLog(log).segments());
    }
}
