package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.List;

/** Frames for the dashboard's own tests, built from plain offsets. */
final class Frames {

    private Frames() {
    }

    static DashboardFrame.Row row(String name, long offsetNanos, long boundNanos) {
        return new DashboardFrame.Row(name, "agent://127.0.0.1:" + (9000 + Math.abs(name.hashCode() % 1000)),
                "agent", true, "SYNCED", true, offsetNanos, boundNanos, 1.5, 400_000_000L, null,
                DashboardFrame.Mark.OK);
    }

    static DashboardFrame frame(long wallNanos, long toleranceNanos, DashboardFrame.Row... rows) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long maxBound = 0;
        for (DashboardFrame.Row r : rows) {
            min = Math.min(min, r.offsetNanos());
            max = Math.max(max, r.offsetNanos());
            maxBound = Math.max(maxBound, r.errorBoundNanos());
        }
        long spread = max - min;
        boolean within = spread <= toleranceNanos;
        List<DashboardFrame.Row> marked = DashboardFrame.markOutliers(new ArrayList<>(List.of(rows)), toleranceNanos, within);
        return new DashboardFrame(wallNanos, marked, spread, 2 * maxBound, toleranceNanos, within, null);
    }
}
