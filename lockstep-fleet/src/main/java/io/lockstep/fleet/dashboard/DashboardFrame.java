package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.FleetSnapshot;

/**
 * What the dashboard shows for one poll of the fleet: the monitor's {@link FleetSnapshot}, a
 * {@link Mark} per device that the page colours rows by, and optionally the last firing across
 * the fleet (issue 9). Its JSON is the fleet JSON of {@code fleet status --json} with a
 * {@code mark} per device and, when known, {@code last_firing}. Immutable and thread-safe.
 *
 * @param snapshot   the poll
 * @param marks      one per device, in the snapshot's order
 * @param lastFiring the most recent firing, or null when none is known
 */
public record DashboardFrame(FleetSnapshot snapshot, List<Mark> marks, LastFiring lastFiring) {

    /** A reading older than this is stale even if the device still calls itself synced. */
    public static final long STALE_AGE_NANOS = 10_000_000_000L;

    /** How a device is marked; the page highlights everything but {@link #OK}. */
    public enum Mark {
        /** Reachable, synced, and not among the devices that break the tolerance. */
        OK,
        /** Among the devices that put the fleet out of tolerance (see {@link #of}). */
        OUT_OF_TOLERANCE,
        /** Its reading is old: in holdover, or the newest sample older than {@link #STALE_AGE_NANOS}. */
        STALE,
        /** Reachable, but not (yet) synced to its reference. */
        UNSYNCED,
        /** Answering, but unusable (another version, a garbled status). */
        ERROR,
        /** Not answering. */
        UNREACHABLE;

        /** The lower-case name the JSON and the page use, e.g. {@code out_of_tolerance}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DashboardFrame {
        Objects.requireNonNull(snapshot, "snapshot");
        marks = List.copyOf(marks);
        if (marks.size() != snapshot.devices().size()) {
            throw new IllegalArgumentException("one mark per device");
        }
    }

    /**
     * Marks the snapshot's devices. Unreachable, erroneous, unsynced and stale devices are marked
     * so. When the spread (or its bound) breaks the tolerance, each synced device whose offset,
     * widened by its bound, lies more than half the tolerance from the median offset is marked
     * out of tolerance: whenever the spread itself exceeds the tolerance the two extremes are
     * more than the tolerance apart, so at least one of them is that far from the median and a
     * failed verdict always names a culprit; a fleet within tolerance never has one.
     */
    public static DashboardFrame of(FleetSnapshot snapshot, LastFiring lastFiring) {
        List<DeviceRow> rows = snapshot.devices();
        List<Mark> marks = new ArrayList<>(rows.size());
        List<Long> synced = new ArrayList<>();
        for (DeviceRow r : rows) {
            Mark m;
            if (!r.reachable()) {
                m = Mark.UNREACHABLE;
            } else if (r.error() != null && r.offsetNanos() == null) {
                m = Mark.ERROR;
            } else if (r.state() == ClockState.HOLDOVER
                    || (r.sampleAgeNanos() != null && r.sampleAgeNanos() > STALE_AGE_NANOS)) {
                m = Mark.STALE;
            } else if (!r.synced()) {
                m = Mark.UNSYNCED;
            } else {
                m = Mark.OK;
                synced.add(r.offsetNanos());
            }
            marks.add(m);
        }
        FleetSnapshot.Verdict v = snapshot.verdict();
        if ((v == FleetSnapshot.Verdict.OUT_OF_TOLERANCE || v == FleetSnapshot.Verdict.NOT_PROVEN) && !synced.isEmpty()) {
            synced.sort(null);
            int n = synced.size();
            // Halves added, so two offsets near the long range cannot overflow.
            double median = n % 2 == 1 ? synced.get(n / 2) : (synced.get(n / 2 - 1) / 2.0 + synced.get(n / 2) / 2.0);
            double half = snapshot.toleranceNanos() / 2.0;
            for (int i = 0; i < rows.size(); i++) {
                DeviceRow r = rows.get(i);
                if (marks.get(i) == Mark.OK && Math.abs(r.offsetNanos() - median) + r.errorBoundNanos() > half) {
                    marks.set(i, Mark.OUT_OF_TOLERANCE);
                }
            }
        }
        return new DashboardFrame(snapshot, marks, lastFiring);
    }

    /** The monitor's wall time of the poll (the plot's x axis). */
    public long wallNanos() {
        return snapshot.localWallNanos();
    }

    /** The same frame with {@code firing} as its last firing. */
    public DashboardFrame withLastFiring(LastFiring firing) {
        return new DashboardFrame(snapshot, marks, firing);
    }

    /** The fleet JSON with each device's {@code mark} and, when known, {@code last_firing}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>(snapshot.toJson());
        List<Object> devices = new ArrayList<>();
        List<DeviceRow> rows = snapshot.devices();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> d = new LinkedHashMap<>(rows.get(i).toJson());
            d.put("mark", marks.get(i).jsonName());
            devices.add(d);
        }
        m.put("devices", devices);
        if (lastFiring != null) {
            m.put("last_firing", lastFiring.toJson());
        }
        return m;
    }
}
