package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.lockstep.neon.PhoneStatus;

/** A phone's health read from a Companion status, its warnings, and the mDNS name of a Companion app. */
class PhoneHealthTest {

    private static PhoneStatus status(String phoneData, String more) throws IOException {
        return PhoneStatus.parse("{\"message\":\"Success\",\"result\":[{\"model\":\"Phone\",\"data\":{" + phoneData + "}}"
                + more + "]}", "test");
    }

    @Test
    void theStatusFieldsBecomeTheHealthAndItsWarnings() throws IOException {
        PhoneStatus s = status("\"device_name\":\"Neon A\",\"battery_level\":19,\"battery_state\":\"OK\","
                + "\"memory\":52000000000,\"memory_state\":\"OK\",\"time_echo_port\":12321,\"ip\":\"10.0.0.5\"",
                ",{\"model\":\"Hardware\",\"data\":{\"version\":\"2\",\"module_serial\":\"841\"}}"
                        + ",{\"model\":\"Sensor\",\"data\":{\"sensor\":\"world\",\"conn_type\":\"DIRECT\",\"connected\":true}}"
                        + ",{\"model\":\"Recording\",\"data\":{\"id\":\"r1\",\"action\":\"START\",\"rec_duration_ns\":83000000000}}");
        assertTrue(s.recording());
        assertEquals("Neon", s.hardware());
        assertEquals(Boolean.TRUE, s.glassesConnected());
        assertEquals(12321, s.timeEchoPort());
        PhoneHealth h = new PhoneHealth(s, null, "onset", 4_000_000_000L);
        // 19 % is low even though the app still says OK; the offset is fresh.
        assertEquals(List.of("low_battery"), h.warnings(500_000_000L));
        assertEquals(List.of("low_battery", "stale_offset"), h.warnings(11_000_000_000L));
        Map<String, Object> json = h.toJson(500_000_000L);
        assertEquals(19, json.get("battery_percent"));
        assertEquals(52_000_000_000L, json.get("storage_free_bytes"));
        assertEquals(83_000_000_000L, json.get("recording_duration_ns"));
        assertEquals(Map.of("name", "onset", "age_ns", 4_000_000_000L), json.get("last_event"));
        assertEquals("Neon A, battery 19%, 52.0 GB free, Neon, glasses connected, recording 0:01:23, "
                + "last event onset 4 s ago  [LOW BATTERY]", h.line(500_000_000L));
    }

    @Test
    void aStoppedRecordingAndTheAppsOwnLowStatesAreRead() throws IOException {
        PhoneStatus s = status("\"battery_level\":80,\"battery_state\":\"OK\",\"memory\":9000000000,\"memory_state\":\"LOW\"",
                ",{\"model\":\"Recording\",\"data\":{\"id\":\"r1\",\"action\":\"SAVE\",\"rec_duration_ns\":1}}"
                        + ",{\"model\":\"Sensor\",\"data\":{\"sensor\":\"gaze\",\"connected\":false}}");
        assertFalse(s.recording(), "an older stand-in kept a saved recording listed");
        assertEquals(Boolean.FALSE, s.glassesConnected());
        PhoneHealth h = new PhoneHealth(s, null, null, null);
        assertEquals(List.of("low_storage"), h.warnings(0L));
        assertNull(h.toJson(0L).get("recording_id"));
        assertEquals(List.of("stale_offset", "status_unreadable"), PhoneHealth.unreadable("refused").warnings(null));
    }

    @Test
    void onlyACompanionAppsAdvertisementNamesAPhone() {
        assertEquals("Neon A", PhoneDiscovery.phoneName("PI monitor:Neon A:84a1b2c3d4e5f607"));
        assertEquals("lab:3", PhoneDiscovery.phoneName("PI monitor:lab:3:84a1b2c3d4e5f607"));
        assertNull(PhoneDiscovery.phoneName("printer._ipp"));
        assertNull(PhoneDiscovery.phoneName("PI monitor::id"));
        assertEquals("Pupil", PhoneDiscovery.phoneName("PI monitor:Pupil"));
    }

    @Test
    void anEventPushedOnTheWebSocketIsFound() {
        assertEquals("onset", PhoneStatus.eventNameIn("{\"model\":\"Event\",\"data\":{\"name\":\"onset\",\"timestamp\":1}}"));
        assertNull(PhoneStatus.eventNameIn("{\"model\":\"Phone\",\"data\":{\"battery_level\":3}}"));
        assertNull(PhoneStatus.eventNameIn("not json"));
    }
}
