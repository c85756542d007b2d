package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.trigger.FleetFire;
import io.lockstep.fleet.trigger.Trigger;
import io.lockstep.schedule.Firing;

class FiringFeedTest {

    @Test
    void aFleetFireResultBecomesTheDashboardsLastFiring() {
        Trigger t = new Trigger("t1", "blink", 1_000_000_000L, 1_000_000_000L, 500_000_000L, 2, 0, null);
        FiringReport a0 = new FiringReport(0, 1_000_000_000L, 1_000_000_100L, 5, 2_000, 100, 7L, 9L, Firing.Outcome.FIRED, "");
        FiringReport a1 = new FiringReport(1, 1_500_000_000L, 1_500_000_900L, 5, 3_000, 900, 7L, 9L, Firing.Outcome.FIRED, "");
        FiringReport b0 = new FiringReport(0, 1_000_000_000L, 999_999_800L, 5, 1_000, -200, 7L, 9L, Firing.Outcome.FIRED, "");
        FiringReport b1 = new FiringReport(1, 1_500_000_000L, 1_500_000_100L, 5, 1_000, 100, 7L, 9L, Firing.Outcome.FIRED, "");
        FleetFire.Result r = new FleetFire.Result(t, new FleetFire.Plan("blink", t.atNanos(), t.everyNanos(), 2, 41_700_000L, 0),
                List.of(new FleetFire.DeviceOutcome("a", "agent://a", FiringState.FIRED, null, null, 5_000L, List.of(a0, a1)),
                        new FleetFire.DeviceOutcome("b", "agent://b", FiringState.FIRED, null, null, 5_000L, List.of(b0, b1)),
                        new FleetFire.DeviceOutcome("c", "agent://c", FiringState.REFUSED, "replay: x", "replay", null, List.of()),
                        new FleetFire.DeviceOutcome("n", "ntp://n", FiringState.SKIPPED, "not an agent", null, null, List.of())),
                List.of(new FleetFire.Spread(0, 2, 300, 3_000, 0), new FleetFire.Spread(1, 2, 800, 4_000, 0)),
                List.of("c refused: replay: x"));
        Map<String, Object> json = FiringFeed.toLastFiring(r).toJson();
        assertEquals("blink", json.get("action"));
        assertEquals(1_000_000_000L, json.get("reference_ns"));
        assertEquals(800L, json.get("spread_ns"));
        assertEquals(4_000L, json.get("spread_bound_ns"));
        assertEquals(false, json.get("within_tolerance"));
        List<?> devices = (List<?>) json.get("devices");
        assertEquals(3, devices.size());
        Map<?, ?> a = (Map<?, ?>) devices.get(0);
        assertEquals(900L, a.get("lateness_ns"));
        assertEquals(1_500_000_900L, a.get("fired_reference_ns"));
        Map<?, ?> c = (Map<?, ?>) devices.get(2);
        assertEquals("refused", c.get("outcome"));
        assertEquals("replay: x", c.get("error"));
        assertNull(c.get("lateness_ns"));
    }
}
