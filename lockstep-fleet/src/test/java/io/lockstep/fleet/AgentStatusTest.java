package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;

/** The status document: written and read back, and every way a garbled one is refused. */
class AgentStatusTest {

    private static final AgentStatus SAMPLE = new AgentStatus("pi-07", FleetApi.softwareVersion(), FleetApi.API_VERSION,
            "pi-07.local", "ntp://10.0.0.1", ClockState.SYNCED, 20_000_123L, 85_000L, -12.5, 400_000_000L, 120, 3,
            125_000_000_000L, 1_796_000_000_000_000_000L, null);

    @Test
    void roundTrips() throws Exception {
        assertEquals(SAMPLE, AgentStatus.parse(JsonText.write(SAMPLE.toJson())));
        AgentStatus unsynced = new AgentStatus("a", "0.1.0", 1, null, null, ClockState.UNSYNCED, null, null, null, null,
                0, 4, 1, 2, "timed out");
        assertEquals(unsynced, AgentStatus.parse(JsonText.write(unsynced.toJson())));
    }

    @Test
    void chronyViewRoundTripsAndIsAbsentWithoutOne() throws Exception {
        io.lockstep.fleet.chrony.ChronyView view = io.lockstep.fleet.chrony.ChronyView.of(
                io.lockstep.fleet.chrony.ChronyTracking.parse(io.lockstep.fleet.chrony.ChronyTrackingTest.SYNCED),
                2_000_000_000L, -3_000_010L, 40_000L);
        AgentStatus withChrony = SAMPLE.withChrony(view);
        String json = JsonText.write(withChrony.toJson());
        assertEquals(withChrony, AgentStatus.parse(json));
        assertTrue(!JsonText.write(SAMPLE.toJson()).contains("chrony"), "absent where no chronyd runs");
        // A monitor of the previous version skipped objects it did not know: the rest reads the same.
        assertEquals(SAMPLE, AgentStatus.parse(json).withChrony(null));
        AgentStatus.GarbledException e = assertThrows(AgentStatus.GarbledException.class,
                () -> AgentStatus.parse(json.replace("\"leap\":\"normal\"", "\"leap\":7")));
        assertTrue(e.getMessage().contains("chrony.leap"), e.getMessage());
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        String json = JsonText.write(SAMPLE.toJson()).replace("{\"name\"", "{\"future\":{\"x\":[1,2]},\"name\"");
        assertEquals(SAMPLE, AgentStatus.parse(json));
    }

    @Test
    void garbledDocumentsGetOneLineReasons() {
        String good = JsonText.write(SAMPLE.toJson());
        String[][] cases = {
                {"", "empty"},
                {"<html>hello</html>", "garbled status"},
                {"[1,2]", "not a JSON object"},
                {good.substring(0, good.length() / 2), "garbled status"},
                {good + "{}", "trailing data"},
                {good.replace("\"SYNCED\"", "\"DANCING\""), "unknown state 'DANCING'"},
                {good.replace("\"offset_ns\":20000123", "\"offset_ns\":\"20 ms\""), "offset_ns is not an integer"},
                {good.replace("\"offset_ns\":20000123", "\"offset_ns\":null"), "without offset_ns"},
                {good.replace("\"error_bound_ns\":85000", "\"error_bound_ns\":-1"), "negative error_bound_ns"},
                {good.replace("\"name\":\"pi-07\",", ""), "missing name"},
                {"{\"hello\":1}", "not a lockstep agent"},
                {"{\"name\":" + "[".repeat(5000) + "]", "garbled status"},
                {good.replace("\"error_bound_ns\":85000", "\"error_bound_ns\":" + Long.MAX_VALUE), "error_bound_ns"},
                {good.replace("\"offset_ns\":20000123", "\"offset_ns\":" + (Long.MIN_VALUE + 1)), "offset_ns"},
        };
        for (String[] c : cases) {
            AgentStatus.GarbledException e = assertThrows(AgentStatus.GarbledException.class, () -> AgentStatus.parse(c[0]),
                    c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void versionsAreChecked() {
        assertNull(FleetApi.incompatibility(FleetApi.API_VERSION, FleetApi.softwareVersion()));
        String api = FleetApi.incompatibility(FleetApi.API_VERSION + 1, FleetApi.softwareVersion());
        assertNotNull(api);
        assertTrue(api.startsWith("incompatible agent: status API version 2"), api);
        assertTrue(FleetApi.incompatibility(-1, "0.0.1").contains("names no status API version"));
        String major = FleetApi.incompatibility(FleetApi.API_VERSION, "7.0.0");
        assertTrue(major.contains("lockstep 7.0.0"), major);
    }

    @Test
    void anApiVersionBeyondAnIntIsNotReadAsAnother() throws Exception {
        // 2^32 + 1 once became version 1 through an int cast: an agent of no known version passed as ours.
        String json = JsonText.write(SAMPLE.toJson()).replace("\"api_version\":" + FleetApi.API_VERSION,
                "\"api_version\":4294967297");
        assertTrue(json.contains("4294967297"), json);
        AgentStatus.GarbledException e = assertThrows(AgentStatus.GarbledException.class, () -> AgentStatus.parse(json));
        assertTrue(e.getMessage().contains("api_version"), e.getMessage());
    }

    @Test
    void controlCharactersNeverLeaveTheParser() throws Exception {
        String good = JsonText.write(SAMPLE.toJson());
        String evil = good.replace("\"version\":\"", "\"version\":\"\\u001b[2J\\u009b")
                .replace("\"last_failure\":null", "\"last_failure\":\"\\u001b]0;owned\\u0007\\nforged\"")
                .replace("\"host\":\"", "\"host\":\"\\u202e");
        AgentStatus s = AgentStatus.parse(evil);
        for (String text : new String[] {s.version(), s.lastFailure(), s.host(), s.name(), s.reference()}) {
            assertTrue(text == null || text.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x202e), text);
        }
        assertTrue(s.lastFailure().contains("forged"), s.lastFailure());
        String state = good.replace("\"SYNCED\"", "\"\\u001b[31mDANCING\"");
        String m = assertThrows(AgentStatus.GarbledException.class, () -> AgentStatus.parse(state)).getMessage();
        assertTrue(m.codePoints().noneMatch(Character::isISOControl), m);
    }
}
