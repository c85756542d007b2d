package io.lockstep.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.lockstep.time.Durations;

/**
 * The whole fleet at one poll: a row per device, and the fleet line: the spread (the largest
 * disagreement between two devices' clocks) with its bound, and the verdict against the
 * tolerance. Immutable.
 *
 * <p>Bounds: device i's true offset lies within {@code o_i ± b_i}, so the true spread lies
 * within {@code spread ± spreadBound} with {@code spreadBound = max(o_i + b_i) − min(o_j − b_j)
 * − spread}. The fleet is <em>within tolerance</em> only when that is proved:
 * every device is reachable and synced and {@code spread + spreadBound ≤ tolerance}.
 *
 * @param localWallNanos   the monitor's wall time of the poll
 * @param reference        the monitor's reference for agentless devices, or null
 * @param devices          one row per device, in the order found
 * @param spreadNanos      largest disagreement between two synced devices, or null with none
 * @param spreadBoundNanos the true spread lies within {@code spreadNanos ± this}, or null
 * @param toleranceNanos   the tolerance judged against
 * @param verdict          the fleet's verdict
 */
public record FleetSnapshot(long localWallNanos, String reference, List<DeviceRow> devices, Long spreadNanos,
                            Long spreadBoundNanos, long toleranceNanos, Verdict verdict) {

    /** What the fleet line says. */
    public enum Verdict {
        /** Every device reachable and synced, and the spread plus its bound within the tolerance. */
        IN_SYNC,
        /** The spread itself exceeds the tolerance. */
        OUT_OF_TOLERANCE,
        /** The spread is within the tolerance but its bound reaches beyond it. */
        NOT_PROVEN,
        /** A device is unreachable, unsynced or unusable, so the fleet cannot be judged whole. */
        DEVICE_PROBLEM,
        /** No devices. */
        NO_DEVICES
    }

    public FleetSnapshot {
        devices = List.copyOf(devices);
    }

    /** Builds a snapshot from rows, computing the spread, its bound and the verdict. */
    public static FleetSnapshot of(long localWallNanos, String reference, List<DeviceRow> rows, long toleranceNanos) {
        long hi = Long.MIN_VALUE;
        long lo = Long.MAX_VALUE;
        long hiOuter = Long.MIN_VALUE;
        long loOuter = Long.MAX_VALUE;
        int counted = 0;
        boolean problem = false;
        for (DeviceRow r : rows) {
            if (!r.synced()) {
                problem = true;
            }
            if (r.reachable() && r.error() == null && r.offsetNanos() != null && r.errorBoundNanos() != null
                    && !r.impossible()) {
                long o = r.offsetNanos();
                long b = r.errorBoundNanos();
                hi = Math.max(hi, o);
                lo = Math.min(lo, o);
                hiOuter = Math.max(hiOuter, addSaturated(o, b));
                loOuter = Math.min(loOuter, subtractSaturated(o, b));
                counted++;
            }
        }
        // Saturated: numbers from agents must never wrap into a small spread.
        Long spread = counted == 0 ? null : subtractSaturated(hi, lo);
        Long bound = counted == 0 ? null : Math.max(0, subtractSaturated(subtractSaturated(hiOuter, loOuter), spread));
        Verdict v;
        if (rows.isEmpty()) {
            v = Verdict.NO_DEVICES;
        } else if (spread != null && spread > toleranceNanos) {
            v = Verdict.OUT_OF_TOLERANCE;
        } else if (problem) {
            v = Verdict.DEVICE_PROBLEM;
        } else if (addSaturated(spread, bound) > toleranceNanos) {
            v = Verdict.NOT_PROVEN;
        } else {
            v = Verdict.IN_SYNC;
        }
        return new FleetSnapshot(localWallNanos, reference, rows, spread, bound, toleranceNanos, v);
    }

    static long addSaturated(long a, long b) {
        long r = a + b;
        // Overflow only when both operands have the sign the result lacks.
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    static long subtractSaturated(long a, long b) {
        long d = a - b;
        return ((a ^ b) & (a ^ d)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : d;
    }

    /** True when every device is reachable and synced and the spread is proved within tolerance. */
    public boolean withinTolerance() {
        return verdict == Verdict.IN_SYNC;
    }

    /** Devices that are not reachable, synced and usable. */
    public List<DeviceRow> problems() {
        List<DeviceRow> out = new ArrayList<>();
        for (DeviceRow r : devices) {
            if (!r.synced()) {
                out.add(r);
            }
        }
        return out;
    }

    /** The fleet line, e.g. {@code fleet: 10 devices, spread 2.512 ms ± 310 µs, tolerance 41.7 ms: IN SYNC}. */
    public String fleetLine() {
        StringBuilder sb = new StringBuilder("fleet: ").append(devices.size()).append(devices.size() == 1 ? " device" : " devices");
        if (spreadNanos != null) {
            sb.append(", spread ").append(Durations.format(spreadNanos)).append(" ± ").append(Durations.format(spreadBoundNanos));
        }
        sb.append(", tolerance ").append(Durations.format(toleranceNanos)).append(": ");
        sb.append(verdict.name().replace('_', ' '));
        List<DeviceRow> problems = problems();
        if (!problems.isEmpty()) {
            long unreachable = problems.stream().filter(r -> !r.reachable()).count();
            long other = problems.size() - unreachable;
            List<String> parts = new ArrayList<>();
            if (unreachable > 0) {
                parts.add(unreachable + " unreachable");
            }
            if (other > 0) {
                parts.add(other + " not synced");
            }
            sb.append(" (").append(String.join(", ", parts)).append(')');
        }
        return sb.toString();
    }

    /** The snapshot as the fleet JSON of docs/fleet.md (names others rely on: docs/architecture.md). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("local_wall_ns", localWallNanos);
        m.put("reference", reference);
        List<Object> rows = new ArrayList<>();
        for (DeviceRow r : devices) {
            rows.add(r.toJson());
        }
        m.put("devices", rows);
        m.put("spread_ns", spreadNanos);
        m.put("spread_bound_ns", spreadBoundNanos);
        m.put("tolerance_ns", toleranceNanos);
        m.put("within_tolerance", withinTolerance());
        m.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        return m;
    }
}
