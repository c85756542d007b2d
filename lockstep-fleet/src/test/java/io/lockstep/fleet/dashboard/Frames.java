package io.lockstep.fleet.dashboard;

import java.util.List;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.FleetSnapshot;

/** Fleet snapshots for the dashboard's own tests, built from plain offsets. */
final class Frames {

    private Frames() {
    }

    static DeviceRow row(String name, long offsetNanos, long boundNanos) {
        return new DeviceRow(name, "agent://127.0.0." + (1 + Math.abs(name.hashCode() % 200)) + ":7474", "agent", true,
                ClockState.SYNCED, offsetNanos, boundNanos, 1.5, 400_000_000L, "0.1.0-SNAPSHOT", null);
    }

    static DeviceRow unreachable(String name) {
        return new DeviceRow(name, "agent://127.0.0.250:7474", "agent", false, null, null, null, null, null, null,
                "unreachable: connection refused");
    }

    static DashboardFrame frame(long wallNanos, long toleranceNanos, DeviceRow... rows) {
        return DashboardFrame.of(FleetSnapshot.of(wallNanos, null, List.of(rows), toleranceNanos), null);
    }
}
