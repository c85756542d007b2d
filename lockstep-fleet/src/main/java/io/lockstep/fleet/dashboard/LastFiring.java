package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The dashboard's summary of the most recent firing across the fleet (issue 9): which action,
 * the reference instant it was fired at, each device's outcome, and the fleet's fire spread
 * against the tolerance. The trigger side fills it; the page shows it when present. Immutable
 * and thread-safe.
 *
 * @param action           the action's name
 * @param referenceNanos   the reference instant the fleet was told to fire at (wall ns)
 * @param spreadNanos      largest difference between two devices' fired reference times; -1 if unknown
 * @param spreadBoundNanos the bound on {@code spreadNanos}
 * @param toleranceNanos   the tolerance the firing was judged against
 * @param withinTolerance  whether every device fired, inside the tolerance
 * @param devices          one entry per device
 */
public record LastFiring(String action, long referenceNanos, long spreadNanos, long spreadBoundNanos,
                         long toleranceNanos, boolean withinTolerance, List<Device> devices) {

    /**
     * One device's part in the firing.
     *
     * @param outcome             e.g. {@code fired}, {@code refused}, {@code missed}
     * @param firedReferenceNanos when it ran, in reference time; meaningful when {@code fired}
     * @param errorBoundNanos     the bound on {@code firedReferenceNanos}
     * @param latenessNanos       how late it ran after the instant
     * @param error               the refusal or failure reason, or null
     */
    public record Device(String name, String outcome, boolean fired, long firedReferenceNanos,
                         long errorBoundNanos, long latenessNanos, String error) {
        public Device {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    public LastFiring {
        Objects.requireNonNull(action, "action");
        devices = List.copyOf(devices);
    }

    /**
     * As JSON: {@code action}, {@code reference_ns}, {@code spread_ns}, {@code spread_bound_ns},
     * {@code tolerance_ns}, {@code within_tolerance}, and {@code devices}, each with {@code name},
     * {@code outcome}, {@code fired_reference_ns}, {@code error_bound_ns}, {@code lateness_ns}
     * (null unless it fired) and {@code error}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        m.put("reference_ns", referenceNanos);
        m.put("spread_ns", spreadNanos < 0 ? null : spreadNanos);
        m.put("spread_bound_ns", spreadNanos < 0 ? null : spreadBoundNanos);
        m.put("tolerance_ns", toleranceNanos);
        m.put("within_tolerance", withinTolerance);
        List<Object> list = new ArrayList<>();
        for (Device d : devices) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("name", d.name());
            dm.put("outcome", d.outcome());
            dm.put("fired_reference_ns", d.fired() ? d.firedReferenceNanos() : null);
            dm.put("error_bound_ns", d.fired() ? d.errorBoundNanos() : null);
            dm.put("lateness_ns", d.fired() ? d.latenessNanos() : null);
            dm.put("error", d.error());
            list.add(dm);
        }
        m.put("devices", list);
        return m;
    }
}
