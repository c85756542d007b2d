package io.lockstep.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockModel;
import io.lockstep.internal.estimate.OffsetTracker;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.Scenario;
import io.lockstep.sim.ScenarioRun;
import io.lockstep.sim.ScenarioSample;

/**
 * Properties of the tracker over randomly drawn (but seeded) situations: the truth stays
 * within the stated error bound, and the drift converges, whatever the link, drift and
 * resolution.
 */
class TrackerPropertyTest {

    private static final long S = 1_000_000_000L;

    @Test
    void theBoundHoldsAndTheDriftConvergesAcrossRandomSituations() {
        SplittableRandom random = new SplittableRandom(2026);
        for (int trial = 0; trial < 24; trial++) {
            long delay = 20_000 + random.nextLong(5_000_000);
            long jitter = random.nextLong(delay + 1);
            long asymmetry = random.nextBoolean() ? 0 : random.nextLong(-delay, delay + 1);
            double loss = random.nextDouble() * 0.1;
            double burstsPerHour = random.nextBoolean() ? 0 : 60;
            LinkModel link = new LinkModel(delay, asymmetry, jitter, 2 + random.nextDouble(), loss, burstsPerHour,
                    3 * S, 50_000_000, 200_000_000);
            double drift = random.nextDouble() * 100 - 50;
            long resolution = random.nextBoolean() ? 1 : 1_000_000;
            Scenario scenario = Scenario.of("random " + trial, link, drift, trial).withResolution(resolution)
                    .withDuration(1200 * S, S);
            OffsetTracker tracker = new OffsetTracker();
            int checked = 0;
            int outside = 0;
            double driftError = Double.NaN;
            int i = 0;
            for (ScenarioSample s : ScenarioRun.stream(scenario)) {
                if (!s.dropped()) {
                    tracker.add(s.sample());
                }
                ClockModel m = tracker.model();
                if (m != null && i++ >= 60) {
                    checked++;
                    long error = m.offsetAtNanos(s.localWallNanos()) - s.trueOffsetNanos();
                    if (Math.abs(error) > m.errorBoundAtNanos(s.localWallNanos())) {
                        outside++;
                    }
                    driftError = Math.abs(m.remoteDriftPpm() - s.trueRemoteDriftPpm());
                }
            }
            String what = "trial " + trial + ": " + link + " drift " + drift + " resolution " + resolution;
            assertTrue(outside <= checked / 100, what + ": truth outside the bound " + outside + " of " + checked);
            // Generous: 20 minutes of the worst of these links (5 ms, heavy tails, 1 ms stamps).
            assertTrue(driftError < 0.5, what + ": drift error " + driftError);
        }
    }
}
