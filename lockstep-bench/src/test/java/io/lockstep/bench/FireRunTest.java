package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FireRunTest {

    @Test
    void spreadIsLatestMinusEarliestOfTheDevicesThatActed() {
        FireRun run = new FireRun("m", 3, 2);
        run.reference(0, 1_000);
        run.reference(1, 2_000);
        run.record(0, 0, 1_010, 20, 1_005);
        run.record(0, 1, 990, 20, 995);
        run.record(0, 2, 1_050, 20, 1_000);
        run.record(1, 0, 2_003);
        run.record(1, 2, 1_999);
        assertArrayEquals(new long[] {60, 4}, run.spreadsNanos());
        assertEquals(5, run.fired());
        assertEquals(6, run.expected());
        assertArrayEquals(new long[] {10, -10, 50, 3, -1}, run.errorsNanos());
        assertArrayEquals(new long[] {10, 3}, run.deviceErrorsNanos(0));
        assertArrayEquals(new long[] {-10}, run.deviceErrorsNanos(1));
    }

    @Test
    void aReportHoldsWhenTheTruthLiesWithinItsBoundOfTheReportedTime() {
        FireRun run = new FireRun("m", 2, 1);
        run.reference(0, 1_000);
        // Late by 40 but reported the lateness: holds. Reported on time while 40 late: does not.
        run.record(0, 0, 1_040, 5, 1_038);
        run.record(0, 1, 1_040, 5, 1_000);
        assertTrue(run.reportHolds(0, 0));
        assertFalse(run.reportHolds(0, 1));
        assertArrayEquals(new long[] {2, 40}, run.reportErrorsNanos());
        assertEquals(1, run.withinBound());
        assertEquals(2, run.bounded());
    }

    @Test
    void actionsWithoutABoundAreNeitherBoundedNorWithin() {
        FireRun run = new FireRun("m", 1, 1);
        run.reference(0, 0);
        run.record(0, 0, 7);
        assertEquals(0, run.bounded());
        assertEquals(0, run.withinBound());
        assertFalse(run.reportHolds(0, 0));
    }

    @Test
    void aSliceKeepsItsFiringsTruthsBoundsAndReasons() {
        FireRun run = new FireRun("m", 2, 3);
        for (int k = 0; k < 3; k++) {
            run.reference(k, 1_000L * k);
            run.record(k, 0, 1_000L * k + 5, 10, 1_000L * k);
        }
        run.record(1, 1, 1_009, 10, 1_000);
        run.miss(2, 1, "not-synced");
        FireRun first = run.slice(0, 1, "first");
        assertEquals("first", first.method());
        assertEquals(1, first.firings());
        assertEquals(1, first.fired());
        FireRun rest = run.slice(1, 3, "rest");
        assertEquals(3, rest.fired());
        assertEquals(4, rest.spreadsNanos()[0]);
        assertEquals(java.util.Map.of("not-synced", 1), rest.missed());
        assertEquals(3, rest.withinBound());
    }

    @Test
    void percentilesInterpolateAndIgnoreSign() {
        assertEquals(2.5, FireRun.percentile(new long[] {4, 1, 3, 2}, 0.5));
        assertEquals(4, FireRun.absPercentile(new long[] {-4, 1, 3, 2}, 1));
        assertTrue(Double.isNaN(FireRun.percentile(new long[0], 0.5)));
    }

    @Test
    void everyActionThatDidNotHappenIsCountedWithItsReason() {
        FireRun run = new FireRun("m", 2, 2);
        run.record(0, 0, 1);
        run.miss(0, 1, "not-synced");
        run.record(1, 0, 2);
        assertEquals(java.util.Map.of("not-synced", 1, "unaccounted", 1), run.missed());
        run.missUnrecorded("datagram lost on the link");
        assertEquals(java.util.List.of("not-synced", "datagram lost on the link"), java.util.List.copyOf(run.missed().keySet()));
        assertEquals(2, run.fired());
    }
}
