package io.lockstep.sim;

import java.util.ArrayList;
import java.util.List;

import io.lockstep.protocol.TimeProbe;
import io.lockstep.time.VirtualTimeSource;

/**
 * Plays a {@link Scenario} in virtual time: builds the clocks, link and probe from its seed,
 * produces the stream of exchanges with the truth beside each one, and can then tell the truth
 * at any age after the last exchange (for holdover). Deterministic: the same scenario gives the
 * same stream. Not thread-safe.
 */
public final class ScenarioRun {

    private final Scenario scenario;
    private final VirtualTimeSource truth = new VirtualTimeSource();
    private final SimClock local;
    private final SimClock remote;
    private final SimulatedProbe probe;
    private final long startMonoNanos;
    private long lastExchangeEndMonoNanos;

    /** Sets up the scenario at true time zero without sampling yet. */
    public ScenarioRun(Scenario scenario) {
        this.scenario = scenario;
        this.local = new SimClock(truth, 0, 0, 0, scenario.seed() * 31 + 1);
        this.remote = new SimClock(truth, scenario.remoteAheadNanos(), scenario.remoteDriftPpm(),
                scenario.wanderPpmPerSqrtSecond(), scenario.seed() * 31 + 2);
        this.startMonoNanos = truth.monoNanos();
        this.lastExchangeEndMonoNanos = startMonoNanos;
        if (scenario.driftRampPpmPerSecond() != 0) {
            remote.rampDrift(scenario.driftRampPpmPerSecond());
        }
        if (scenario.driftChangeAtNanos() >= 0) {
            remote.changeDriftAt(startMonoNanos + scenario.driftChangeAtNanos(), scenario.driftAfterChangePpm());
        }
        if (scenario.stepAtNanos() >= 0) {
            remote.stepAt(startMonoNanos + scenario.stepAtNanos(), scenario.stepNanos());
        }
        long timeout = Math.min(scenario.intervalNanos() / 2, 500_000_000L);
        this.probe = new SimulatedProbe(truth, local, remote, new SimLink(scenario.link(), scenario.seed()),
                scenario.protocol(), scenario.remoteResolutionNanos(), Math.max(timeout, 1));
        if (scenario.outageAtNanos() >= 0) {
            probe.setOutage(startMonoNanos + scenario.outageAtNanos(), scenario.outageNanos());
        }
    }

    /** Plays one scenario to the end and returns its stream. */
    public static List<ScenarioSample> stream(Scenario scenario) {
        return new ScenarioRun(scenario).samples();
    }

    /** The probe (in virtual time) that the stream is taken with; trackers can use it directly. */
    public TimeProbe probe() {
        return probe;
    }

    /** The simulated probe with its truth. */
    public SimulatedProbe simulatedProbe() {
        return probe;
    }

    /** The true clock; advance it to move time on. */
    public VirtualTimeSource truth() {
        return truth;
    }

    /** The local host's clock. */
    public SimClock localClock() {
        return local;
    }

    /** Samples from now to the scenario's end at its interval. */
    public List<ScenarioSample> samples() {
        int n = (int) (scenario.durationNanos() / scenario.intervalNanos());
        List<ScenarioSample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long due = startMonoNanos + i * scenario.intervalNanos();
            long now = truth.monoNanos();
            if (due > now) {
                truth.advance(due - now);
            }
            out.add(next());
        }
        return out;
    }

    /** Performs one exchange now and returns it with the truth. */
    public ScenarioSample next() {
        long attempt = truth.monoNanos();
        long attemptLocal = local.wallNanos();
        try {
            var sample = probe.exchange();
            long mid = probe.lastMidpointTrueMonoNanos();
            long localMid = sample.localSendWallNanos()
                    + (sample.localReceiveWallNanos() - sample.localSendWallNanos()) / 2;
            return new ScenarioSample(sample, localMid, probe.trueOffsetAtNanos(mid),
                    probe.trueRemoteDriftPpmAt(mid));
        } catch (TimeProbe.DroppedSampleException e) {
            return new ScenarioSample(null, attemptLocal, probe.trueOffsetAtNanos(attempt),
                    probe.trueRemoteDriftPpmAt(attempt));
        } finally {
            lastExchangeEndMonoNanos = truth.monoNanos();
        }
    }

    /**
     * The truth {@code ageNanos} (true time) after the end of the last exchange attempted so
     * far, with no exchange: the instant is always measured from that exchange, so calls do
     * not add up (10 minutes, then an hour, means exactly that, in any order). Virtual time
     * does not move; the simulated clocks can be read at any instant.
     */
    public ScenarioSample truthAfterLastExchange(long ageNanos) {
        if (ageNanos < 0) {
            throw new IllegalArgumentException("age must not be negative: " + ageNanos);
        }
        long at = lastExchangeEndMonoNanos + ageNanos;
        return new ScenarioSample(null, localWallAtMonoNanos(at), probe.trueOffsetAtNanos(at),
                probe.trueRemoteDriftPpmAt(at));
    }

    /**
     * The local clock's wall time at {@code sinceStartNanos} of true time after the scenario's
     * start, e.g. when its step happens; virtual time does not move.
     */
    public long localWallNanosAt(long sinceStartNanos) {
        return localWallAtMonoNanos(startMonoNanos + sinceStartNanos);
    }

    /**
     * The truth at true monotonic time {@code trueMonoNanos} (past or future; virtual time does
     * not move), with the local clock's reading then: what a reading of a tracker's clock at
     * that instant should have found.
     */
    public ScenarioSample truthAtTrueMonoNanos(long trueMonoNanos) {
        return new ScenarioSample(null, localWallAtMonoNanos(trueMonoNanos), probe.trueOffsetAtNanos(trueMonoNanos),
                probe.trueRemoteDriftPpmAt(trueMonoNanos));
    }

    /** True monotonic time when the scenario started. */
    public long startTrueMonoNanos() {
        return startMonoNanos;
    }

    private long localWallAtMonoNanos(long trueMonoNanos) {
        return truth.wallNanos() - truth.monoNanos() + trueMonoNanos + local.aheadAtNanos(trueMonoNanos);
    }
}
