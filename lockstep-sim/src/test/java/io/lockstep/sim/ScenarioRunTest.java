package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.Protocols;
import io.lockstep.protocol.TimeSample;

class ScenarioRunTest {

    private static final long S = 1_000_000_000L;

    @Test
    void anHourOfSamplesIsDeterministic() {
        Scenario s = Scenario.of("wifi", LinkModel.busyWifi(), 20, 3);
        long started = System.nanoTime();
        List<ScenarioSample> a = ScenarioRun.stream(s);
        long tookNanos = System.nanoTime() - started;
        List<ScenarioSample> b = ScenarioRun.stream(s);
        assertEquals(3600, a.size());
        assertEquals(a, b);
        // Speed is reported, not asserted (`lockstep bench tracking` prints its wall time).
        System.out.println("an hour of 1 Hz samples in " + tookNanos / 1e6 + " ms");
    }

    @Test
    void samplesAreCausallyConsistentWithTheTruth() {
        Scenario s = Scenario.of("lan", LinkModel.wiredLan(), -15, 5).withResolution(1_000_000);
        for (ScenarioSample x : ScenarioRun.stream(s)) {
            TimeSample t = x.sample();
            assertTrue(t.minOffsetNanos() <= x.trueOffsetNanos() && x.trueOffsetNanos() <= t.maxOffsetNanos(),
                    "truth outside the causality interval: " + x);
        }
    }

    @Test
    void asymmetryBiasesTheRawOffsetByHalfOfIt() {
        Scenario s = Scenario.of("asym", new LinkModel(2_000_000, 600_000, 0, 2, 0, 0, 0, 0, 0), 0, 1)
                .withWander(0).withDuration(10 * S, S);
        for (ScenarioSample x : ScenarioRun.stream(s)) {
            assertEquals(-300_000, x.sample().offsetNanos() - x.trueOffsetNanos(), 20_000);
        }
    }

    @Test
    void aRemoteRunningFastHasPositiveTrueDriftAndAFallingTrueOffset() {
        // The scenario's remote runs 20 ppm fast: the truth says +20 ppm, and local − remote
        // falls by 20 µs per second (the sign SyncedClock.driftPpm() and the log use).
        Scenario s = Scenario.of("fast", LinkModel.wiredLan(), 20, 9).withWander(0).withDuration(101 * S, S);
        List<ScenarioSample> xs = ScenarioRun.stream(s);
        ScenarioSample first = xs.get(0);
        ScenarioSample last = xs.get(100);
        assertEquals(20.0, first.trueRemoteDriftPpm(), 1e-9);
        double elapsedSeconds = (last.localWallNanos() - first.localWallNanos()) / 1e9;
        assertEquals(-20_000 * elapsedSeconds, last.trueOffsetNanos() - first.trueOffsetNanos(), 10);
    }

    @Test
    void truthAfterTheLastExchangeIsMeasuredFromItNotCumulative() {
        Scenario s = Scenario.of("hold", LinkModel.wiredLan(), 20, 9).withWander(0).withDuration(10 * S, S);
        ScenarioRun run = new ScenarioRun(s);
        List<ScenarioSample> xs = run.samples();
        ScenarioSample tenMinutes = run.truthAfterLastExchange(600 * S);
        ScenarioSample oneHour = run.truthAfterLastExchange(3600 * S);
        assertEquals(tenMinutes, run.truthAfterLastExchange(600 * S), "asking again gives the same instant");
        // The local clock is the reference here (no drift), so local times differ by the ages.
        assertEquals(3000 * S, oneHour.localWallNanos() - tenMinutes.localWallNanos());
        long lastLocal = xs.get(xs.size() - 1).localWallNanos();
        assertEquals(600 * S, tenMinutes.localWallNanos() - lastLocal, 1_000_000, "ten minutes after the last one");
        // 3000 s more at 20 ppm fast: the offset fell by 60 ms.
        assertEquals(-60_000_000, oneHour.trueOffsetNanos() - tenMinutes.trueOffsetNanos(), 10);
    }

    @Test
    void outagesDropEverySampleInside() {
        Scenario s = Scenario.of("out", LinkModel.wiredLan(), 0, 1).withDuration(100 * S, S).withOutage(20 * S, 30 * S);
        List<ScenarioSample> xs = ScenarioRun.stream(s);
        for (int i = 0; i < xs.size(); i++) {
            assertEquals(i >= 20 && i < 50, xs.get(i).dropped(), "sample " + i);
        }
    }

    /** The simulated protocol comes from the registry, so any registered scheme can be benched. */
    @Test
    void theProtocolIsLookedUpInTheRegistry() {
        Scenario ntpStamps = Scenario.of("registry", LinkModel.fixed(50_000), 0, 1);
        assertEquals("ntp", ntpStamps.protocol().scheme());
        Scenario msStamps = ntpStamps.withResolution(1_000_000);
        assertEquals("echo", msStamps.protocol().scheme());
        Scenario neon = msStamps.withProtocol("neon");
        assertSame(Protocols.standard().find("neon").orElseThrow(), neon.protocol());
        assertSame(neon.protocol(), new ScenarioRun(neon).probe().protocol());
        assertEquals("neon", neon.withSeed(2).withResolution(1).protocol().scheme());
        assertThrows(IllegalArgumentException.class, () -> ntpStamps.withProtocol("nope").protocol());
    }
}
