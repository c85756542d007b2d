package io.lockstep.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.chrony.ChronyView;

/**
 * One device in a {@link FleetSnapshot}: how it was measured and its clock against the
 * reference. Immutable.
 *
 * <p>Signs (the fleet convention: the device is the local side): {@code offsetNanos} is
 * <em>device clock − reference clock</em>, so a device reading 20 ms ahead shows +20 ms;
 * {@code driftPpm} is how fast the reference runs relative to the device (positive: reference
 * fast, device slow), so the offset changes at minus this rate, as in {@code track}.
 *
 * @param name            the device's name
 * @param target          the device target as written
 * @param via             how it is measured: {@code agent}, {@code ntp} or {@code neon}
 * @param reachable       whether the last poll reached it
 * @param state           its clock's state (null when unreachable)
 * @param offsetNanos     device − reference, or null when unknown
 * @param errorBoundNanos the true offset lies within {@code offsetNanos ± this}, or null
 * @param driftPpm        reference relative to the device, or null
 * @param sampleAgeNanos  age of the newest sample behind the offset, or null
 * @param version         the agent's software version, or null
 * @param error           why the device is unreachable or unusable, or null
 * @param chrony          the device's system clock as its chronyd sees it, beside its agent's view; null
 *                        when the agent reports none (no chronyd there, or not an agent)
 * @param phone           for a {@code neon://} device, the phone's health; null for other devices
 */
public record DeviceRow(String name, String target, String via, boolean reachable, ClockState state,
                        Long offsetNanos, Long errorBoundNanos, Double driftPpm, Long sampleAgeNanos,
                        String version, String error, ChronyView chrony, PhoneHealth phone) {

    /** A row without chrony's view or a phone's health. */
    public DeviceRow(String name, String target, String via, boolean reachable, ClockState state, Long offsetNanos,
                     Long errorBoundNanos, Double driftPpm, Long sampleAgeNanos, String version, String error) {
        this(name, target, via, reachable, state, offsetNanos, errorBoundNanos, driftPpm, sampleAgeNanos, version,
                error, null, null);
    }

    /** A row with chrony's view (an agent's), without a phone's health. */
    public DeviceRow(String name, String target, String via, boolean reachable, ClockState state, Long offsetNanos,
                     Long errorBoundNanos, Double driftPpm, Long sampleAgeNanos, String version, String error,
                     ChronyView chrony) {
        this(name, target, via, reachable, state, offsetNanos, errorBoundNanos, driftPpm, sampleAgeNanos, version,
                error, chrony, null);
    }

    /** This row with the phone's health added. */
    public DeviceRow withPhone(PhoneHealth health) {
        return new DeviceRow(name, target, via, reachable, state, offsetNanos, errorBoundNanos, driftPpm,
                sampleAgeNanos, version, error, chrony, health);
    }

    /**
     * Whether the device's chronyd and its agent disagree about the system clock beyond both their
     * bounds (one of them is wrong): flagged in every view, not counted against the fleet's
     * verdict, which rests on the agents' own clocks.
     */
    public boolean chronyDisagrees() {
        return chrony != null && Boolean.TRUE.equals(chrony.disagrees());
    }

    public DeviceRow {
        // An agent's version and reasons quoting its answer reach the terminal and logs.
        name = SafeText.printable(name);
        target = SafeText.printable(target);
        version = SafeText.printable(version);
        error = SafeText.printable(error);
    }

    /** Reachable, synced and with a possible offset and bound: counts towards the spread. */
    public boolean synced() {
        return reachable && error == null && state == ClockState.SYNCED && offsetNanos != null && !impossible();
    }

    /**
     * Whether the offset or bound cannot be a measurement (a negative bound, one beyond
     * {@link FleetApi#MAX_PLAUSIBLE_BOUND_NANOS}, an offset beyond
     * {@link FleetApi#MAX_PLAUSIBLE_OFFSET_NANOS}): such a device is an ERROR, never in sync.
     */
    public boolean impossible() {
        return (errorBoundNanos != null && (errorBoundNanos < 0 || errorBoundNanos > FleetApi.MAX_PLAUSIBLE_BOUND_NANOS))
                || (offsetNanos != null && (offsetNanos > FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS
                || offsetNanos < -FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS));
    }

    /** The state shown: the clock state, or UNREACHABLE / ERROR. */
    public DeviceState shownState() {
        if (!reachable) {
            return DeviceState.UNREACHABLE;
        }
        if (state == null || impossible()) {
            return DeviceState.ERROR;
        }
        return DeviceState.of(state);
    }

    /** The state word shown, {@link #shownState()}'s name. */
    public String stateWord() {
        return shownState().name();
    }

    /** A row for a device that could not be read. */
    public static DeviceRow failed(Device d, boolean reachable, String error) {
        return new DeviceRow(d.name(), d.target(), d.via(), reachable, null, null, null, null, null, null, error);
    }

    /** The row as JSON fields, in the documented order. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("target", target);
        m.put("via", via);
        m.put("reachable", reachable);
        m.put("state", stateWord());
        m.put("offset_ns", offsetNanos);
        m.put("error_bound_ns", errorBoundNanos);
        m.put("drift_ppm", driftPpm);
        m.put("last_sample_age_ns", sampleAgeNanos);
        m.put("version", version);
        m.put("error", error);
        if (chrony != null) {
            m.put("chrony", chrony.toJson());
        }
        if (phone != null) {
            m.put("phone", phone.toJson(offsetNanos == null ? null : sampleAgeNanos));
        }
        return m;
    }
}
