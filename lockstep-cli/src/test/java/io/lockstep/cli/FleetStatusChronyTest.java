package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.FleetSnapshot;
import io.lockstep.fleet.chrony.ChronyView;

/**
 * The fleet table's additions of this round: a device's chronyd beside its agent (flagged when
 * they disagree, said when chrony is unsynchronised, nothing without one) and a clock days or
 * years off spelled out; the JSON carries the chrony object only where there is one.
 */
class FleetStatusChronyTest {

    private static DeviceRow row(String name, long offset, ChronyView chrony) {
        return new DeviceRow(name, "agent://127.0.0.1:7474", "agent", true, ClockState.SYNCED, offset, 20_000L, 0.0, 0L,
                "0.1.0", null, chrony);
    }

    @Test
    void chronyBesideTheAgentAndClocksYearsOff() {
        ChronyView agrees = new ChronyView("normal", 3, "10.0.0.1", -3_000_000L, 3_000L, 4_000L, 1_000L, 0L, -3_001_000L,
                20_000L, false);
        ChronyView disagrees = new ChronyView("normal", 3, "10.0.0.1", -3_000_000L, 3_000L, 4_000L, 1_000L, 0L, 0L,
                20_000L, true);
        ChronyView unsynced = new ChronyView("unsynchronised", 0, "", 0L, 1_500_000_000L, 1_000_000_000L,
                1_000_000_000L, 0L, 0L, 20_000L, null);
        FleetSnapshot s = FleetSnapshot.of(0, null, List.of(row("a", -3_001_000L, agrees), row("b", 0L, disagrees),
                row("c", 0L, unsynced), row("d", -56L * 365 * 86_400_000_000_000L, null),
                row("e", 2L * 86_400_000_000_000L, null)), 41_700_000L);
        String table = FleetStatusCommand.table(s);
        String[] lines = table.split("\n");
        assertTrue(lines[1].contains("chrony -3.000 ms ± 3.00 us") && !lines[1].contains("DISAGREES"), lines[1]);
        assertTrue(lines[2].contains("DISAGREES (agent: system +0 ns ± 20.00 us)"), lines[2]);
        assertTrue(lines[3].contains("chrony UNSYNCHRONISED"), lines[3]);
        assertTrue(lines[4].contains("(56.0 years behind)") && !lines[4].contains("chrony"), lines[4]);
        assertTrue(lines[5].contains("(2.0 days ahead)"), lines[5]);
        String json = JsonOutput.write(s.toJson());
        assertEquals(3, json.split("\"chrony\":", -1).length - 1, json);
        assertTrue(json.contains("\"disagrees\":true"), json);
    }
}
