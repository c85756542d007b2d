package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the dashboard shows for one poll of the fleet: a row per device, the fleet's spread
 * against the tolerance, and optionally the last firing. Offsets follow the fleet convention
 * (device clock − reference clock). Each row carries a {@link Mark} that the page colours by.
 * Immutable and thread-safe.
 *
 * @param wallNanos        the monitor's wall time of the poll (the plot's x axis)
 * @param devices          one row per device, in the order the page lists them
 * @param spreadNanos      largest disagreement between two reachable devices; -1 when unknown
 * @param spreadBoundNanos the bound on {@code spreadNanos}
 * @param toleranceNanos   the fleet's tolerance
 * @param withinTolerance  the fleet verdict
 * @param lastFiring       the most recent firing across the fleet, or null when none is known
 */
public record DashboardFrame(long wallNanos, List<Row> devices, long spreadNanos, long spreadBoundNanos,
                             long toleranceNanos, boolean withinTolerance, LastFiring lastFiring) {

    /** Marks a device; the page shows everything but {@link #OK} highlighted. */
    public enum Mark {
        /** Reachable, synced and inside the fleet's tolerance. */
        OK,
        /** Among the devices that put the fleet out of tolerance. */
        OUT_OF_TOLERANCE,
        /** Reachable, but its reading is old. */
        STALE,
        /** Reachable, but not (yet) synced to the reference. */
        UNSYNCED,
        /** Not answering. */
        UNREACHABLE;

        /** The lower-case name the JSON and the page use, e.g. {@code out_of_tolerance}. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One device.
     *
     * @param offsetNanos     device clock − reference clock; meaningful only when {@code hasOffset}
     * @param errorBoundNanos the bound on the offset
     * @param driftPpm        NaN when unknown
     * @param sampleAgeNanos  age of the device's newest sample; -1 when unknown
     * @param error           why the device is not OK, or null
     */
    public record Row(String name, String target, String method, boolean reachable, String state,
                      boolean hasOffset, long offsetNanos, long errorBoundNanos, double driftPpm,
                      long sampleAgeNanos, String error, Mark mark) {
        public Row {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(mark, "mark");
        }

        Row withMark(Mark m) {
            return new Row(name, target, method, reachable, state, hasOffset, offsetNanos, errorBoundNanos,
                    driftPpm, sampleAgeNanos, error, m);
        }
    }

    public DashboardFrame {
        devices = List.copyOf(devices);
    }

    /** The same frame with {@code firing} as its last firing. */
    public DashboardFrame withLastFiring(LastFiring firing) {
        return new DashboardFrame(wallNanos, devices, spreadNanos, spreadBoundNanos, toleranceNanos,
                withinTolerance, firing);
    }

    /**
     * Marks the devices that break the tolerance, for rows marked {@link Mark#OK} so far: when the
     * fleet is out of tolerance, every device whose offset (widened by its bound) lies more than
     * half the tolerance from the median offset of the synced devices. Whenever the spread itself
     * exceeds the tolerance at least one device is that far from the median (the two extremes
     * are more than the tolerance apart), so a failed verdict always names a culprit; a fleet
     * within tolerance is never marked.
     */
    public static List<Row> markOutliers(List<Row> rows, long toleranceNanos, boolean withinTolerance) {
        List<Row> out = new ArrayList<>(rows);
        if (withinTolerance) {
            return out;
        }
        long[] offsets = rows.stream().filter(r -> r.mark() == Mark.OK && r.hasOffset())
                .mapToLong(Row::offsetNanos).sorted().toArray();
        if (offsets.length == 0) {
            return out;
        }
        int n = offsets.length;
        // The midpoint of the two middle values; in doubles, as offsets may be seconds apart.
        double median = n % 2 == 1 ? offsets[n / 2] : (offsets[n / 2 - 1] / 2.0 + offsets[n / 2] / 2.0);
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            if (r.mark() == Mark.OK && r.hasOffset()
                    && Math.abs(r.offsetNanos() - median) + r.errorBoundNanos() > toleranceNanos / 2.0) {
                out.set(i, r.withMark(Mark.OUT_OF_TOLERANCE));
            }
        }
        return out;
    }
}
