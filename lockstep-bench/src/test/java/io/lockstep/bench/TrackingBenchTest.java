package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.testkit.Scenarios;

class TrackingBenchTest {

    @Test
    void busyWifiMeetsTheGoalsAndTheTableIsReproducible() {
        List<TrackingBench.Result> r = TrackingBench.runScenario(Scenarios.tracking(1).get(1));
        TrackingBench.Result pupil = r.get(0);
        TrackingBench.Result lockstep = r.get(3);
        assertEquals("Lockstep", lockstep.estimator());
        assertTrue(lockstep.p99Micros() <= 100, "p99 " + lockstep.p99Micros());
        assertTrue(pupil.p99Micros() >= 10 * lockstep.p99Micros());
        assertTrue(lockstep.driftError10mPpm() <= 0.05, "drift " + lockstep.driftError10mPpm());
        assertTrue(lockstep.driftErrorEndPpm() <= 0.05, "drift " + lockstep.driftErrorEndPpm());
        assertEquals(r, TrackingBench.runScenario(Scenarios.tracking(1).get(1)));
    }

    @Test
    void theOneSecondStepIsFollowedWithinThreeSecondsAndBusyWifiMakesNoFalseStep() {
        TrackingBench.Result step = TrackingBench.runScenario(Scenarios.tracking(1).get(5)).get(3);
        assertEquals("1 s step", step.scenario());
        assertEquals("Lockstep", step.estimator());
        assertEquals(1, step.stepsDetected());
        assertTrue(step.recoverSeconds() <= 3, "recover " + step.recoverSeconds());
        assertTrue(step.settleSeconds() <= 3, "settle " + step.settleSeconds());
        TrackingBench.Result wifi = TrackingBench.runScenario(Scenarios.tracking(1).get(1)).get(3);
        assertEquals(0, wifi.stepsDetected());
        assertTrue(Double.isNaN(wifi.recoverSeconds()), "no step, nothing to recover from");
    }

    @Test
    void printsATable() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, TrackingBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "--only", "step"));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("1 s step"), text);
        assertTrue(text.contains("Lockstep"), text);
    }
}
