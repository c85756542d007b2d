package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.FleetSnapshot;
import io.lockstep.fleet.JsonText;

/**
 * The JSON the dashboard serves: one frame as one line (the event stream's data and
 * {@code GET /api/fleet}; see {@link DashboardFrame#toJson()}), and the history as columns
 * ({@code GET /api/history}), which is what the plot needs and a fraction of the size of a list
 * of frames. Stateless and thread-safe.
 */
public final class DashboardJson {

    private DashboardJson() {
    }

    /** One frame as one line of JSON. */
    public static String frame(DashboardFrame f) {
        return JsonText.write(f.toJson());
    }

    /**
     * The frames as columns: {@code window_ns} (the span the page plots), then one entry per
     * frame in {@code local_wall_ns}, {@code spread_ns}, {@code spread_bound_ns} and
     * {@code tolerance_ns}, and {@code devices}, each with its {@code name}, {@code target} and
     * {@code offset_ns} / {@code error_bound_ns} columns (null where the device was absent or
     * had no offset). Devices are told apart by target, in the order first seen.
     */
    public static String history(List<DashboardFrame> frames, long windowNanos) {
        int n = frames.size();
        List<Long> wall = new ArrayList<>(n);
        List<Long> spread = new ArrayList<>(n);
        List<Long> spreadBound = new ArrayList<>(n);
        List<Long> tolerance = new ArrayList<>(n);
        Map<String, Map<String, Object>> devices = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            FleetSnapshot s = frames.get(i).snapshot();
            wall.add(s.localWallNanos());
            spread.add(s.spreadNanos());
            spreadBound.add(s.spreadBoundNanos());
            tolerance.add(s.toleranceNanos());
            for (DeviceRow r : s.devices()) {
                Map<String, Object> d = devices.computeIfAbsent(r.target(), t -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", r.name());
                    m.put("target", t);
                    m.put("offset_ns", nulls(n));
                    m.put("error_bound_ns", nulls(n));
                    return m;
                });
                d.put("name", r.name());
                column(d, "offset_ns").set(i, r.offsetNanos());
                column(d, "error_bound_ns").set(i, r.offsetNanos() == null ? null : r.errorBoundNanos());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window_ns", windowNanos);
        out.put("local_wall_ns", wall);
        out.put("spread_ns", spread);
        out.put("spread_bound_ns", spreadBound);
        out.put("tolerance_ns", tolerance);
        out.put("devices", new ArrayList<>(devices.values()));
        return JsonText.write(out);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> column(Map<String, Object> device, String name) {
        return (List<Long>) device.get(name);
    }

    private static List<Long> nulls(int n) {
        List<Long> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(null);
        }
        return list;
    }
}
