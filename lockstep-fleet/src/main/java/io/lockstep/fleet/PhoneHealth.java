package io.lockstep.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.lockstep.neon.PhoneStatus;

/**
 * A Companion phone's health as the fleet view shows it beside its offset: battery, free
 * storage, hardware and glasses, recording state and duration, and the last event the phone
 * reported, read from its {@code /api/status} at one poll; with the warnings the view marks (low
 * battery, low storage, a stale offset). Everything the phone sends is made printable. Immutable.
 *
 * @param status        what the phone's status said, or null when it could not be read
 * @param statusError   why the status could not be read, or null
 * @param lastEventName the name of the last event the phone reported, or null
 * @param lastEventAgeNanos how long ago (monitor time) the phone reported it, or null
 */
public record PhoneHealth(PhoneStatus status, String statusError, String lastEventName, Long lastEventAgeNanos) {

    /** At or below this battery level a phone is marked, whatever its own state says (percent). */
    public static final int LOW_BATTERY_PERCENT = 20;

    /** Below this much free storage a phone is marked, whatever its own state says (1 GB). */
    public static final long LOW_STORAGE_BYTES = 1_000_000_000L;

    /** An offset whose newest sample is older than this is stale (as the dashboard marks devices). */
    public static final long STALE_OFFSET_NANOS = 10_000_000_000L;

    public PhoneHealth {
        statusError = SafeText.printable(statusError);
        lastEventName = SafeText.printable(lastEventName);
    }

    /** A phone whose status could not be read. */
    public static PhoneHealth unreadable(String why) {
        return new PhoneHealth(null, why, null, null);
    }

    /** Battery low: the app says LOW or CRITICAL, or the level is at most {@link #LOW_BATTERY_PERCENT}. */
    public boolean lowBattery() {
        if (status == null) {
            return false;
        }
        return bad(status.batteryState())
                || (status.batteryPercent() != null && status.batteryPercent() <= LOW_BATTERY_PERCENT);
    }

    /** Storage low: the app says LOW or CRITICAL, or less than {@link #LOW_STORAGE_BYTES} is free. */
    public boolean lowStorage() {
        if (status == null) {
            return false;
        }
        return bad(status.storageState())
                || (status.storageFreeBytes() != null && status.storageFreeBytes() < LOW_STORAGE_BYTES);
    }

    private static boolean bad(String state) {
        return state != null && (state.equalsIgnoreCase("LOW") || state.equalsIgnoreCase("CRITICAL"));
    }

    /**
     * The warnings to mark: {@code low_battery}, {@code low_storage}, {@code stale_offset} (the
     * offset's newest sample is older than {@link #STALE_OFFSET_NANOS}, or there is none),
     * {@code status_unreadable}.
     *
     * @param offsetAgeNanos the age of the device's offset, or null when it has none
     */
    public List<String> warnings(Long offsetAgeNanos) {
        List<String> w = new ArrayList<>();
        if (lowBattery()) {
            w.add("low_battery");
        }
        if (lowStorage()) {
            w.add("low_storage");
        }
        if (offsetAgeNanos == null || offsetAgeNanos > STALE_OFFSET_NANOS) {
            w.add("stale_offset");
        }
        if (status == null) {
            w.add("status_unreadable");
        }
        return w;
    }

    /**
     * The phone's JSON object (the {@code phone} field of a {@code neon://} device): fields
     * {@code device_name}, {@code battery_percent}, {@code battery_state}, {@code storage_free_bytes},
     * {@code storage_state}, {@code app_version}, {@code hardware}, {@code glasses_connected},
     * {@code recording}, {@code recording_id}, {@code recording_duration_ns}, {@code last_event}
     * ({@code name}, {@code age_ns}) and {@code warnings}; {@code status_error} when unreadable.
     */
    public Map<String, Object> toJson(Long offsetAgeNanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        PhoneStatus s = status;
        m.put("device_name", s == null ? null : SafeText.printable(s.deviceName()));
        m.put("battery_percent", s == null ? null : s.batteryPercent());
        m.put("battery_state", s == null ? null : SafeText.printable(s.batteryState()));
        m.put("storage_free_bytes", s == null ? null : s.storageFreeBytes());
        m.put("storage_state", s == null ? null : SafeText.printable(s.storageState()));
        m.put("app_version", s == null ? null : SafeText.printable(s.appVersion()));
        m.put("hardware", s == null ? null : SafeText.printable(s.hardware()));
        m.put("glasses_connected", s == null ? null : s.glassesConnected());
        m.put("recording", s == null ? null : s.recording());
        m.put("recording_id", s == null || !s.recording() ? null : SafeText.printable(s.recordingId()));
        m.put("recording_duration_ns", s == null || !s.recording() ? null : s.recordingDurationNanos());
        if (lastEventName == null) {
            m.put("last_event", null);
        } else {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", lastEventName);
            e.put("age_ns", lastEventAgeNanos);
            m.put("last_event", e);
        }
        m.put("warnings", warnings(offsetAgeNanos));
        m.put("status_error", statusError);
        return m;
    }

    /**
     * One line for the text table, e.g. {@code battery 87%, 12.3 GB free, Neon, glasses connected,
     * recording 1m 23s, last event onset 4s ago  [LOW BATTERY]}.
     */
    public String line(Long offsetAgeNanos) {
        List<String> parts = new ArrayList<>();
        PhoneStatus s = status;
        if (s == null) {
            parts.add("status unreadable: " + statusError);
        } else {
            if (s.deviceName() != null) {
                parts.add(SafeText.printable(s.deviceName()));
            }
            parts.add("battery " + (s.batteryPercent() == null ? "?" : s.batteryPercent() + "%"));
            parts.add(s.storageFreeBytes() == null ? "storage ?" : gigabytes(s.storageFreeBytes()) + " free");
            if (s.hardware() != null) {
                parts.add(SafeText.printable(s.hardware()));
            }
            if (s.appVersion() != null) {
                parts.add("app " + SafeText.printable(s.appVersion()));
            }
            if (s.glassesConnected() != null) {
                parts.add(s.glassesConnected() ? "glasses connected" : "NO GLASSES");
            }
            parts.add(s.recording() ? "recording " + (s.recordingDurationNanos() == null ? ""
                    : clock(s.recordingDurationNanos())) : "not recording");
        }
        if (lastEventName != null) {
            parts.add("last event " + lastEventName
                    + (lastEventAgeNanos == null ? "" : " " + lastEventAgeNanos / 1_000_000_000L + " s ago"));
        }
        StringBuilder sb = new StringBuilder(String.join(", ", parts));
        List<String> w = warnings(offsetAgeNanos);
        w.remove("status_unreadable");
        if (!w.isEmpty()) {
            sb.append("  [").append(String.join(", ", w).replace('_', ' ').toUpperCase(Locale.ROOT)).append(']');
        }
        return sb.toString().strip();
    }

    /** Bytes as gigabytes with one decimal ({@code 12.3 GB}), as phones show storage. */
    static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    /** A duration as {@code H:MM:SS}, as recording apps show it. */
    static String clock(long nanos) {
        long s = Math.max(0, nanos / 1_000_000_000L);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
