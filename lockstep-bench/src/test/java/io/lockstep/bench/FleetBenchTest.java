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
        assertEquals(15, r.records() + r.unanswered());
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

    @Test
    void trueSpreadRangeCoversEveryInstantOfTheWindow() {
        // Device 0 moves from 0 to 10, device 1 from 20 to 15: the spread is 15..20 at the ends and
        // may be anything from 5 (0→10 meets 15) to 20 in between, read at different instants.
        long[] range = FleetBench.trueSpreadRange(new long[] {0, 20}, new long[] {10, 15});
        assertEquals(5, range[0]);
        assertEquals(20, range[1]);
        assertEquals(0, FleetBench.trueSpreadRange(new long[] {0, 5}, new long[] {5, 0})[0]);
    }
}
