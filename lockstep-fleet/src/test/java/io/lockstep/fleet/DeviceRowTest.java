package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;

/** The state a row shows, as an enum and as the word in output and JSON (unchanged by issue 17). */
class DeviceRowTest {

    private static DeviceRow row(boolean reachable, ClockState state, Long bound) {
        return new DeviceRow("d", "agent://d", "agent", reachable, state, bound == null ? null : 0L, bound, null, null,
                null, null);
    }

    @Test
    void theShownStateIsTheClocksOrWhyThereIsNone() {
        for (ClockState s : ClockState.values()) {
            assertEquals(s.name(), row(true, s, 1_000L).stateWord());
            assertEquals(s.name(), row(true, s, 1_000L).toJson().get("state"));
        }
        assertEquals(DeviceState.UNREACHABLE, row(false, null, null).shownState());
        assertEquals("UNREACHABLE", row(false, ClockState.SYNCED, 1_000L).toJson().get("state"));
        assertEquals(DeviceState.ERROR, row(true, null, null).shownState());
        assertEquals("ERROR", row(true, ClockState.SYNCED, Long.MAX_VALUE).stateWord());
    }
}
