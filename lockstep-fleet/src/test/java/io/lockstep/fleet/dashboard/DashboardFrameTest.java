package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.dashboard.DashboardFrame.Mark;

class DashboardFrameTest {

    private static final long TOLERANCE = 1_000_000;

    @Test
    void aFleetWithinToleranceHasNoCulprit() {
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.OK), Frames.frame(1, TOLERANCE, Frames.row("a", 0, 10_000),
                Frames.row("b", 0, 10_000), Frames.row("c", 900_000, 10_000)).marks());
    }

    @Test
    void theMisconfiguredDeviceIsMarked() {
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.OUT_OF_TOLERANCE, Mark.OK), Frames.frame(1, TOLERANCE,
                Frames.row("a", 100_000, 50_000), Frames.row("b", -80_000, 50_000),
                Frames.row("c", 2_500_000, 50_000), Frames.row("d", 20_000, 50_000)).marks());
    }

    @Test
    void twoDevicesApartAreBothMarkedAndOtherMarksStay() {
        assertEquals(List.of(Mark.OUT_OF_TOLERANCE, Mark.OUT_OF_TOLERANCE, Mark.UNREACHABLE), Frames.frame(1, TOLERANCE,
                Frames.row("a", -700_000, 1_000), Frames.row("b", 700_000, 1_000), Frames.unreachable("u")).marks());
    }

    @Test
    void aBrokenDeviceAloneMarksNoOtherDevice() {
        // The verdict fails for the unreachable device, not for the spread: no one else is to blame.
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.UNREACHABLE), Frames.frame(1, TOLERANCE,
                Frames.row("a", 0, 1_000), Frames.row("b", 400_000, 1_000), Frames.unreachable("u")).marks());
    }

    @Test
    void devicesSecondsOffAreJudgedAgainstTheMedian() {
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.OK, Mark.OUT_OF_TOLERANCE), Frames.frame(1, TOLERANCE,
                Frames.row("a", 2_000_000_000L, 1), Frames.row("b", 2_000_010_000L, 1),
                Frames.row("c", 2_000_020_000L, 1), Frames.row("d", -2_000_000_000L, 1)).marks());
    }

    @Test
    void oneFarDeviceAmongThreeIsTheCulpritNotItsNeighbours() {
        assertEquals(List.of(Mark.OUT_OF_TOLERANCE, Mark.OK, Mark.OK), Frames.frame(1, 5_000_000,
                Frames.row("a", 20_000_000, 400_000), Frames.row("b", -1_500_000, 400_000),
                Frames.row("c", 800_000, 400_000)).marks());
    }

    @Test
    void aSpreadWithinToleranceButNotProvedBlamesNoDevice() {
        DashboardFrame f = Frames.frame(1, TOLERANCE, Frames.row("a", 0, 300_000), Frames.row("b", 900_000, 300_000));
        assertEquals(io.lockstep.fleet.FleetSnapshot.Verdict.NOT_PROVEN, f.snapshot().verdict());
        assertEquals(List.of(Mark.OK, Mark.OK), f.marks());
    }

    @Test
    void holdoverAndOldReadingsAreStaleUnsyncedAndErrorsAreTheirOwn() {
        DeviceRow holdover = new DeviceRow("h", "agent://127.0.0.3:7474", "agent", true, ClockState.HOLDOVER,
                10L, 500L, 0.0, 2_000_000_000L, "0.1.0", null);
        DeviceRow old = new DeviceRow("o", "agent://127.0.0.4:7474", "agent", true, ClockState.SYNCED,
                10L, 500L, 0.0, DashboardFrame.STALE_AGE_NANOS + 1, "0.1.0", null);
        DeviceRow syncing = new DeviceRow("s", "agent://127.0.0.5:7474", "agent", true, ClockState.SYNCING,
                10L, 500L, 0.0, 1L, "0.1.0", null);
        DeviceRow garbled = new DeviceRow("g", "agent://127.0.0.6:7474", "agent", true, null,
                null, null, null, null, "9.0", "agent speaks fleet API 9, this monitor 1");
        DeviceRow referenceLost = new DeviceRow("r", "agent://127.0.0.7:7474", "agent", true, ClockState.UNSYNCED,
                null, null, null, null, "0.1.0", "reference: no answer in 1 s");
        assertEquals(List.of(Mark.STALE, Mark.STALE, Mark.UNSYNCED, Mark.ERROR, Mark.UNSYNCED),
                Frames.frame(1, TOLERANCE, holdover, old, syncing, garbled, referenceLost).marks());
    }
}
