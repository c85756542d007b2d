package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.schedule.Firing;

/**
 * Judging a firing from agents' reports (issue 16): linear in the reports whatever count the
 * trigger claims, and agent-supplied numbers at the edges of a long never judged within tolerance.
 */
class FleetFireJudgeTest {

    private static final long TOLERANCE = 41_700_000L;

    /** A list that counts how many elements are read from it. */
    private static final class CountingList extends AbstractList<FiringReport> {
        final List<FiringReport> items;
        final AtomicLong reads;

        CountingList(List<FiringReport> items, AtomicLong reads) {
            this.items = items;
            this.reads = reads;
        }

        @Override
        public FiringReport get(int index) {
            reads.incrementAndGet();
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    private static FiringReport fired(int index, long reference, long firedReference, long bound) {
        return new FiringReport(index, reference, firedReference, 0, bound, firedReference - reference, 1L, 1L, Firing.Outcome.FIRED, "");
    }

    @Test
    void judgingIsLinearInTheReportsWhateverTheCount() {
        int count = Trigger.MAX_COUNT;
        Trigger t = new Trigger("t", "blink", 1_000_000_000L, 1_000_000_000L, 1_000_000L, count, 0, null);
        AtomicLong reads = new AtomicLong();
        List<FleetFire.DeviceOutcome> outcomes = new ArrayList<>();
        int reports = 0;
        for (int d = 0; d < 4; d++) {
            List<FiringReport> firings = new ArrayList<>();
            // The agent keeps the latest 1,000 reports of a long periodic trigger.
            for (int k = count - 1_000; k < count; k++) {
                long at = t.instantNanos(k);
                firings.add(fired(k, at, at + d * 1_000L, 500));
                reports++;
            }
            outcomes.add(new FleetFire.DeviceOutcome("d" + d, "agent://d" + d, FiringState.FIRED, null, null, 500L,
                    new CountingList(firings, reads)));
        }
        FleetFire.Result r = FireJudge.judge(t, new FleetFire.Plan("blink", t.atNanos(), t.everyNanos(), count, TOLERANCE, 0),
                outcomes);
        assertEquals(1_000, r.spreads().size());
        assertEquals(3_000L, r.spreadNanos());
        assertTrue(reads.get() <= 10L * reports, reads.get() + " reads of " + reports + " reports");
    }

    @Test
    void reportsAtTheEdgesOfALongAreNeverWithinTolerance() {
        Trigger t = new Trigger("t", "blink", 1_000_000_000L, 1_000_000_000L, 0, 1, 0, null);
        FleetFire.Plan plan = new FleetFire.Plan("blink", t.atNanos(), 0, 1, TOLERANCE, 0);
        List<FleetFire.DeviceOutcome> wide = List.of(
                new FleetFire.DeviceOutcome("a", "agent://a", FiringState.FIRED, null, null, 1L,
                        List.of(new FiringReport(0, 0, Long.MAX_VALUE, 0, 1, 0, 1L, 1L, Firing.Outcome.FIRED, ""))),
                new FleetFire.DeviceOutcome("b", "agent://b", FiringState.FIRED, null, null, 1L,
                        List.of(new FiringReport(0, 0, Long.MIN_VALUE, 0, Long.MAX_VALUE, Long.MIN_VALUE, 1L, 1L, Firing.Outcome.FIRED, ""))));
        FleetFire.Result r = FireJudge.judge(t, plan, wide);
        assertFalse(r.ok(), r.toJson().toString());
        assertTrue(r.spreadNanos() >= 0 && r.spreadBoundNanos() >= 0, r.toJson().toString());
    }
}
