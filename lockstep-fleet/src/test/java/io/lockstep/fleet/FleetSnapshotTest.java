package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;

/** The fleet line's arithmetic with agent-supplied numbers at the edges of a long (issue 16). */
class FleetSnapshotTest {

    private static final long TOLERANCE = 41_700_000L;

    private static DeviceRow row(String name, long offset, long bound) {
        return new DeviceRow(name, "agent://" + name, "agent", true, ClockState.SYNCED, offset, bound, 0.0, 0L, "0.1.0",
                null);
    }

    @Test
    void offsetsAtTheEdgesOfALongSaturateAndAreNeverInSync() {
        FleetSnapshot s = FleetSnapshot.of(0, null, List.of(row("a", Long.MAX_VALUE - 1, 0), row("b", Long.MIN_VALUE + 1, 0)),
                TOLERANCE);
        assertNotEquals(FleetSnapshot.Verdict.IN_SYNC, s.verdict(), s.fleetLine());
        assertTrue(s.spreadNanos() == null || (s.spreadNanos() > 0 && s.spreadBoundNanos() >= 0), s.fleetLine());
        long far = FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS;
        long wide = FleetApi.MAX_PLAUSIBLE_BOUND_NANOS;
        FleetSnapshot u = FleetSnapshot.of(0, null, List.of(row("a", far, wide), row("b", -far, wide)), TOLERANCE);
        assertEquals(FleetSnapshot.Verdict.OUT_OF_TOLERANCE, u.verdict(), u.fleetLine());
        assertTrue(u.spreadNanos() > 0 && u.spreadBoundNanos() >= 0, u.fleetLine());
        FleetSnapshot t = FleetSnapshot.of(0, null, List.of(row("a", Long.MAX_VALUE, 5), row("b", Long.MAX_VALUE, 5)),
                TOLERANCE);
        assertNotEquals(FleetSnapshot.Verdict.IN_SYNC, t.verdict(), t.fleetLine());
        assertTrue(t.spreadBoundNanos() == null || t.spreadBoundNanos() >= 0, t.fleetLine());
    }

    @Test
    void aMaximalOrNegativeBoundMakesTheDeviceErrorNeverInSync() {
        for (long bad : new long[] {Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            DeviceRow r = row("a", 0, bad);
            FleetSnapshot s = FleetSnapshot.of(0, null, List.of(r, row("b", 0, 1_000)), TOLERANCE);
            assertEquals("ERROR", r.stateWord(), "bound " + bad);
            assertEquals(FleetSnapshot.Verdict.DEVICE_PROBLEM, s.verdict(), s.fleetLine());
            assertTrue(s.spreadBoundNanos() == null || s.spreadBoundNanos() >= 0, s.fleetLine());
        }
    }
}
