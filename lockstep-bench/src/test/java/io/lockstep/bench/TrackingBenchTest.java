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
    void printsATable() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, TrackingBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), new TrackingBench.Options(1, "step")));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("1 s step"), text);
        assertTrue(text.contains("Lockstep"), text);
    }
}
