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
     * so. When the spread itself exceeds the tolerance, the synced devices are split into the
     * in-sync majority and the culprits: among all windows of the tolerance's width that hold
     * the most devices, a device outside any of them is out of tolerance. So one misconfigured
     * headset among ten is the one marked; two devices too far apart are both marked; and since
     * the whole fleet never fits one window when the spread exceeds the tolerance, a failed
     * verdict always names a culprit. A fleet within tolerance, or one whose spread is within it
     * but not proved (its bound reaches beyond), has none.
     */
    public static DashboardFrame of(FleetSnapshot snapshot, LastFiring lastFiring) {
        List<DeviceRow> rows = snapshot.devices();
        List<Mark> marks = new ArrayList<>(rows.size());
        List<Long> synced = new ArrayList<>();
        for (DeviceRow r : rows) {
            Mark m;
            if (!r.reachable()) {
                m = Mark.UNREACHABLE;
            } else if (r.state() == null) {
                // Answering, but the monitor could not read a clock state from it.
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
        if (snapshot.verdict() == FleetSnapshot.Verdict.OUT_OF_TOLERANCE && !synced.isEmpty()) {
            long[] sorted = synced.stream().mapToLong(Long::longValue).sorted().toArray();
            long tolerance = snapshot.toleranceNanos();
            int most = 0;
            long keepLo = Long.MIN_VALUE;
            long keepHi = Long.MAX_VALUE;
            for (int i = 0, j = 0; i < sorted.length; i++) {
                j = Math.max(j, i);
                while (j + 1 < sorted.length && sorted[j + 1] - sorted[i] <= tolerance) {
                    j++;
                }
                int count = j - i + 1;
                if (count > most) {
                    most = count;
                    keepLo = sorted[i];
                    keepHi = sorted[j];
                } else if (count == most) {
                    // Another window as full: only what every fullest window holds is clearly in sync.
                    keepLo = Math.max(keepLo, sorted[i]);
                    keepHi = Math.min(keepHi, sorted[j]);
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                Long o = rows.get(i).offsetNanos();
                if (marks.get(i) == Mark.OK && (o < keepLo || o > keepHi)) {
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
