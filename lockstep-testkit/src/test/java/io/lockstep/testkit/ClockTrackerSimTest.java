package io.lockstep.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SyncedClock;
import io.lockstep.clock.TrackRecord;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.SimClock;
import io.lockstep.sim.SimLink;
import io.lockstep.sim.SimulatedProbe;
import io.lockstep.time.VirtualTimeSource;
import io.lockstep.track.ClockTracker;

/** The tracker and SyncedClock over a simulated probe in virtual time. */
class ClockTrackerSimTest {

    private static final long S = 1_000_000_000L;

    @Test
    void convergesThenHoldsOverAnOutageWithinItsBound() throws IOException {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock local = new SimClock(truth, 0, 0);
        // Like `lockstep serve --simulate-offset 200ms --simulate-drift 20` on loopback.
        SimClock remote = new SimClock(truth, 200_000_000, 20, 0.0002, 5);
        SimulatedProbe probe = new SimulatedProbe(truth, local, remote,
                new SimLink(new LinkModel(40_000, 0, 10_000, 3, 0.001, 0, 0, 0, 0), 5), io.lockstep.protocol.Protocols.standard().find("ntp").orElseThrow(), 1, 500_000_000);
        probe.setOutage(300 * S, 600 * S);
        ClockTracker tracker = new ClockTracker(probe, local, S, 0);
        SyncedClock clock = tracker.clock();
        assertEquals(ClockState.UNSYNCED, clock.state());

        for (int i = 0; i < 1200; i++) {
            long due = i * S;
            truth.advance(Math.max(0, due - truth.monoNanos()));
            TrackRecord r = tracker.sampleOnce();
            long truthOffset = probe.trueOffsetNanos();
            if (i == 120) {
                assertEquals(ClockState.SYNCED, clock.state());
                // Drift of the offset is -20 ppm: the served clock runs fast.
                assertEquals(20.0, clock.driftPpm(), 0.5, "remote runs 20 ppm fast");
            }
            if (i > 30) {
                assertTrue(Math.abs(clock.offsetNanos() - truthOffset) <= clock.errorBoundNanos(),
                        "i " + i + " error " + (clock.offsetNanos() - truthOffset) + " bound " + clock.errorBoundNanos()
                                + " " + r);
            }
            if (i == 899) {
                assertEquals(ClockState.HOLDOVER, clock.state());
                // Ten minutes of holdover on a well-measured drift: well under 100 µs.
                assertTrue(Math.abs(clock.offsetNanos() - truthOffset) < 100_000);
            }
        }
        assertEquals(ClockState.SYNCED, clock.state());
        assertTrue(tracker.dropped() >= 590, "dropped " + tracker.dropped());
        assertEquals(clock.nowNanos(), local.wallNanos() - clock.offsetNanos());
    }
}
