package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code bench fleet} on a handful of agents: it runs, every reported offset and the spread meet
 * the simulated truth within their bounds, the killed agent is seen, and the JSON carries the
 * fields the contract names. (Timings are printed by the bench, never asserted.)
 */
class FleetBenchTest {

    @Test
    void smallFleetRunsAndHoldsItsBounds() throws Exception {
        FleetBench.Result r = FleetBench.measure(new FleetBench.Options(5, 3, false, 7), null);
        assertEquals(5, r.agents());
        assertEquals(15, r.records());
        assertEquals(r.records(), r.within(), "every offset within its bound of the truth");
        assertEquals(r.spreadRecords(), r.spreadWithin(), "the spread within its bound of the truth");
        assertNotNull(r.unreachableAfterNanos(), "the killed agent was shown unreachable within 30 s");
        // This JVM has no command line on its class path: the external monitor is not run.
        assertNull(r.monitorCpuPercent());
        assertNull(r.prometheus());
        Map<String, Object> json = r.toJson();
        for (String field : new String[] {"agents", "poll_p50_ns", "poll_p99_ns", "within", "records"}) {
            assertTrue(json.containsKey(field), field);
            assertNotNull(json.get(field), field);
        }
        assertFalse(json.get("load").toString().isEmpty());
    }

    @Test
    void overlapIsInclusiveAndOrderFree() {
        assertTrue(FleetBench.overlaps(10, 2, 12, 20));
        assertTrue(FleetBench.overlaps(10, 2, 20, 12));
        assertFalse(FleetBench.overlaps(10, 2, 13, 20));
        assertTrue(FleetBench.overlaps(10, 0, 5, 15));
    }
}
