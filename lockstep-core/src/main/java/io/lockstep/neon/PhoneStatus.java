package io.lockstep.neon;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.lockstep.internal.Json;

/**
 * What a Companion app's {@code GET /api/status} says about the phone's health: battery, free
 * storage, the glasses, and the running recording, with the field names of Pupil Labs'
 * published Companion API description ({@code Phone}: {@code battery_level},
 * {@code battery_state}, {@code memory}, {@code memory_state}, {@code device_name},
 * {@code device_id}, {@code ip}, {@code time_echo_port}; {@code Hardware}; {@code Sensor}
 * {@code connected}; {@code Recording}: {@code id}, {@code action}, {@code rec_duration_ns}).
 * Fields the app left out are null. Immutable.
 *
 * <p>The API reports no app version and no recording time left; {@link #appVersion()} is
 * taken from an {@code app_version} field only if an app sends one.
 *
 * @param deviceName             the phone's name as the wearer set it, or null
 * @param deviceId               the phone's id, or null
 * @param ip                     the address the app says it is reachable at, or null
 * @param batteryPercent         battery level 0-100, or null
 * @param batteryState           {@code OK}, {@code LOW} or {@code CRITICAL}, or null
 * @param storageFreeBytes       free storage in bytes (the API's {@code memory}), or null
 * @param storageState           {@code OK}, {@code LOW} or {@code CRITICAL}, or null
 * @param timeEchoPort           the Time Echo port, or null (an app from before Time Echo)
 * @param hardwareVersion        the {@code Hardware} version ({@code 2}: Neon, {@code 1}: Pupil Invisible), or null
 * @param glassesConnected       whether the glasses are plugged in, or null when the status cannot tell
 * @param recordingId            the id of the recording the status lists, or null
 * @param recordingAction        that recording's last action, or null
 * @param recordingDurationNanos that recording's duration so far, or null
 * @param appVersion             the app's version if it reports one (the published API has none), or null
 */
public record PhoneStatus(String deviceName, String deviceId, String ip, Integer batteryPercent, String batteryState,
                          Long storageFreeBytes, String storageState, Integer timeEchoPort, String hardwareVersion,
                          Boolean glassesConnected, String recordingId, String recordingAction,
                          Long recordingDurationNanos, String appVersion) {

    /** Recording actions after which the app no longer records (events posted then are dropped). */
    private static final Set<String> ENDED = Set.of("STOP", "STOPPED", "SAVE", "SAVED", "DISCARD", "DISCARDED",
            "CANCEL", "CANCELED", "CANCELLED", "ERROR");

    /**
     * True while a recording runs: the status lists a {@code Recording} component whose last
     * action is not one that ends it. A real app lists the component only while recording; an
     * older stand-in kept it after stop with {@code SAVE} or {@code DISCARD}.
     */
    public boolean recording() {
        return recordingId != null && recordingAction != null
                && !ENDED.contains(recordingAction.toUpperCase(Locale.ROOT));
    }

    /** The device kind the hardware version names: {@code Neon}, {@code Pupil Invisible}, or the version as given. */
    public String hardware() {
        if (hardwareVersion == null) {
            return null;
        }
        return switch (hardwareVersion) {
            case "2", "2.0" -> "Neon";
            case "1", "1.0" -> "Pupil Invisible";
            default -> hardwareVersion;
        };
    }

    /**
     * Parses a {@code /api/status} body.
     *
     * @param where the URL, for messages
     * @throws IOException with a one-line reason when the body is not a Companion status
     */
    public static PhoneStatus parse(String body, String where) throws IOException {
        Object root;
        try {
            root = Json.parse(body);
        } catch (Json.ParseException e) {
            throw new IOException(where + " did not return JSON; is it a Companion app?");
        }
        Object result = root instanceof Map<?, ?> m ? m.get("result") : root;
        if (!(result instanceof List<?> components)) {
            throw new IOException(where + " is not a Companion status (no result list); is it a Companion app?");
        }
        Map<?, ?> phone = null;
        Map<?, ?> hardware = null;
        Map<?, ?> recording = null;
        int sensors = 0;
        int sensorsConnected = 0;
        for (Object component : components) {
            if (!(component instanceof Map<?, ?> c) || !(c.get("data") instanceof Map<?, ?> data)) {
                continue;
            }
            Object model = c.get("model");
            if ("Phone".equals(model)) {
                phone = data;
            } else if ("Hardware".equals(model)) {
                hardware = data;
            } else if ("Recording".equals(model)) {
                recording = data;
            } else if ("Sensor".equals(model)) {
                sensors++;
                if (Boolean.TRUE.equals(data.get("connected"))) {
                    sensorsConnected++;
                }
            }
        }
        if (phone == null) {
            throw new IOException(where + " lists no Phone component; is it a Companion app?");
        }
        Boolean glasses;
        if (sensors > 0) {
            // The app lists its sensors whether or not the glasses are in; they connect only when they are.
            glasses = sensorsConnected > 0;
        } else if (hardware != null) {
            glasses = hasSerial(hardware);
        } else {
            glasses = null;
        }
        Long duration = recording == null ? null : whole(recording.get("rec_duration_ns"));
        Long battery = whole(phone.get("battery_level"));
        Long echo = whole(phone.get("time_echo_port"));
        return new PhoneStatus(text(phone.get("device_name")), text(phone.get("device_id")), text(phone.get("ip")),
                battery == null ? null : (int) Math.max(0, Math.min(100, battery)), text(phone.get("battery_state")),
                whole(phone.get("memory")), text(phone.get("memory_state")),
                echo == null || echo < 1 || echo > 65535 ? null : echo.intValue(),
                hardware == null ? null : text(hardware.get("version")), glasses,
                recording == null ? null : text(recording.get("id")),
                recording == null ? null : text(recording.get("action")), duration,
                text(phone.get("app_version")));
    }

    /**
     * The name of the last {@code Event} component in a message the app pushed on its
     * {@code /api/status} WebSocket (one component, a list of them, or a status envelope), or
     * null when it holds none or is not JSON.
     */
    public static String eventNameIn(String pushedMessage) {
        Object root;
        try {
            root = Json.parse(pushedMessage);
        } catch (Json.ParseException notJson) {
            return null;
        }
        List<?> components = root instanceof List<?> l ? l
                : root instanceof Map<?, ?> m && m.get("result") instanceof List<?> r ? r : List.of(root);
        String name = null;
        for (Object c : components) {
            if (c instanceof Map<?, ?> m && "Event".equals(m.get("model")) && m.get("data") instanceof Map<?, ?> d
                    && d.get("name") instanceof String n) {
                name = n;
            }
        }
        return name;
    }

    private static boolean hasSerial(Map<?, ?> hardware) {
        for (String key : List.of("module_serial", "glasses_serial", "world_camera_serial")) {
            String s = text(hardware.get(key));
            if (s != null && !s.isBlank() && !s.equalsIgnoreCase("unknown") && !s.equalsIgnoreCase("default")) {
                return true;
            }
        }
        return false;
    }

    private static String text(Object o) {
        if (o instanceof String s) {
            return s;
        }
        return o instanceof Number || o instanceof Boolean ? o.toString() : null;
    }

    private static Long whole(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
            return Math.round(n.doubleValue());
        }
        return null;
    }
}
