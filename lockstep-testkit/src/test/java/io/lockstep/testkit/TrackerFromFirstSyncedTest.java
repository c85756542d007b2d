package io.lockstep.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.TrackRecord;
import io.lockstep.sim.Scenario;
import io.lockstep.sim.ScenarioRun;
import io.lockstep.sim.ScenarioSample;
import io.lockstep.sim.Scenarios;
import io.lockstep.track.ClockTracker;

/**
 * Fresh trackers in virtual time, judged from their first SYNCED record on, at each record and
 * just before the next exchange: the calibration scenarios' promise, on a few seeds.
 */
class TrackerFromFirstSyncedTest {

    private static final long S = 1_000_000_000L;

    /** Misses of one run: [all, more than ten seconds after a frequency jump]. */
    static int[] misses(Scenario scenario) throws Exception {
        ScenarioRun run = new ScenarioRun(scenario);
        ClockTracker tracker = new ClockTracker(run.probe(), run.localClock(), S, 0);
        boolean synced = false;
        int all = 0;
        int late = 0;
        for (int i = 0; i < scenario.durationNanos() / S; i++) {
            run.truth().advance(Math.max(0, i * S - run.truth().monoNanos()));
            long attempt = run.truth().monoNanos();
            TrackRecord r;
            try {
                r = tracker.sampleOnce();
            } catch (java.io.IOException e) {
                continue;
            }
            if (!(synced |= r.state() == ClockState.SYNCED)) {
                continue;
            }
            long at = r.hasSample() ? run.simulatedProbe().lastMidpointTrueMonoNanos() : attempt;
            ClockModel m = tracker.clock().model();
            boolean out = false;
            for (long when : new long[] {at, (i + 1) * S - 1}) {
                ScenarioSample truth = run.truthAtTrueMonoNanos(when);
                long error = m.offsetAtNanos(truth.localWallNanos()) - truth.trueOffsetNanos();
                out |= Math.abs(error) > m.errorBoundAtNanos(truth.localWallNanos());
            }
            if (out) {
                all++;
                if (scenario.driftChangeAtNanos() < 0 || at - scenario.driftChangeAtNanos() > 10 * S) {
                    late++;
                }
            }
        }
        return new int[] {all, late};
    }

    @Test
    void aDriftThatFlipsSignIsLearnedAgainAndTheBoundHoldsOnceExchangesShowIt() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Scenario flip = Scenarios.calibration(seed).get(4);
            assertEquals("drift sign flip", flip.name());
            int[] m = misses(flip);
            // Before, the tracker took the flip for a run of steps and carried the old drift over
            // each one, so the truth kept leaving the bound for the rest of the run.
            assertEquals(0, m[1], "seed " + seed + ": misses later than 10 s after the flip");
            assertTrue(m[0] <= 3, "seed " + seed + ": misses right after the flip " + m[0]);
        }
    }

    @Test
    void everyOtherScenarioIsCoveredFromTheFirstSynced() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            for (Scenario s : Scenarios.calibration(seed)) {
                if (s.driftChangeAtNanos() < 0) {
                    assertEquals(0, misses(s)[0], s.name() + " seed " + seed);
                }
            }
        }
    }
}
