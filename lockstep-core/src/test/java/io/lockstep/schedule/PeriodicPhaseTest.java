package io.lockstep.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.ClockState;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Protocols;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.VirtualTimeSource;
import io.lockstep.track.ClockTracker;

/**
 * A 1 Hz blink stays in phase with the reference for three hours while the local crystal runs
 * 20 ppm fast and then, after an hour, drifts over half an hour to 15 ppm fast: the tracker follows the drift once a second
 * over a jittery virtual link, and each tick is converted through the model of its own moment.
 * Everything runs in virtual time driven by the scheduler's own waits, so three hours take
 * seconds and the result does not depend on this machine's load. The truth of each tick is the
 * virtual reference clock read inside the action.
 */
class PeriodicPhaseTest {

    private static final long S = 1_000_000_000L;
    private static final long HOURS = 3;
    /** One frame at 24 fps: the blink's tolerance, and the bound the test accepts at each tick. */
    private static final long FRAME_NANOS = 41_666_667L;

    /** An exchange over a virtual link: one-way delays of 200 µs plus up to ~1 ms of random queueing each way. */
    private static final class VirtualLinkProbe implements TimeProbe {
        private final VirtualTimeSource truth;
        private final SimulatedTimeSource local;
        private final SplittableRandom random = new SplittableRandom(9);

        VirtualLinkProbe(VirtualTimeSource truth, SimulatedTimeSource local) {
            this.truth = truth;
            this.local = local;
        }

        private long oneWayNanos() {
            return 200_000 + (long) (-Math.log(1 - random.nextDouble()) * 150_000);
        }

        @Override
        public TimeSample exchange() {
            long t1 = local.wallNanos();
            truth.advance(oneWayNanos());
            long t2 = truth.wallNanos();
            truth.advance(20_000);
            long t3 = truth.wallNanos();
            truth.advance(oneWayNanos());
            long t4 = local.wallNanos();
            return new TimeSample(t1, t2, t3, t4, 1);
        }

        @Override
        public Protocol protocol() {
            return Protocols.standard().find("ntp").orElseThrow();
        }

        @Override
        public long remoteResolutionNanos() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aOneHertzBlinkStaysInPhaseForHoursWhileTheDriftChanges() throws Exception {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimulatedTimeSource local = new SimulatedTimeSource(truth, 1_500_000_000L, 20.0);
        ClockTracker tracker = new ClockTracker(new VirtualLinkProbe(truth, local), local, S, 0);
        for (int i = 0; i < 20; i++) {
            tracker.sampleOnce();
            truth.advance(S - (truth.monoNanos() % S));
        }
        assertEquals(ClockState.SYNCED, tracker.clock().state());
        ClockModel firstModel = tracker.clock().model();

        long driftChangeMono = truth.monoNanos() + 3600 * S;
        long[] nextSampleMono = {truth.monoNanos() + S / 3};
        SchedulerOptions options = SchedulerOptions.defaults().withSpinNanos(0).withRecheckNanos(50_000_000L)
                .withWaiter(nanos -> {
                    long until = truth.monoNanos() + nanos;
                    while (nextSampleMono[0] - until <= 0) {
                        long step = nextSampleMono[0] - truth.monoNanos();
                        if (step > 0) {
                            truth.advance(step);
                        }
                        // After an hour the crystal warms: over the next 30 minutes its drift
                        // moves from +20 to +15 ppm, a step every 10 s.
                        long sinceChange = truth.monoNanos() - driftChangeMono;
                        if (sinceChange >= 0 && sinceChange <= 1800 * S && sinceChange % (10 * S) < S) {
                            local.setDriftPpm(20.0 - 5.0 * Math.min(1.0, sinceChange / (1800.0 * S)));
                        }
                        try {
                            tracker.sampleOnce();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        nextSampleMono[0] += S;
                    }
                    long rest = until - truth.monoNanos();
                    if (rest > 0) {
                        truth.advance(rest);
                    }
                });

        long ticks = HOURS * 3600;
        long[] truthAtTick = new long[(int) ticks];
        List<Firing> firings = new ArrayList<>();
        try (Scheduler scheduler = Scheduler.forClock(tracker.clock(), options)) {
            ScheduledJob blink = scheduler.every(S, 0, Long.MIN_VALUE, ticks, FRAME_NANOS,
                    r -> truthAtTick[firings.size()] = truth.wallNanos(), firings::add);
            Firing last = blink.await(120 * S);
            assertEquals(ticks, firings.size());
            assertEquals(last, firings.get(firings.size() - 1));
        }

        long worstErrorNanos = 0;
        long worstBoundNanos = 0;
        int outsideBound = 0;
        for (int i = 0; i < firings.size(); i++) {
            Firing f = firings.get(i);
            assertEquals(Firing.Outcome.FIRED, f.outcome(), "tick " + i + ": " + f.detail());
            assertEquals(0, Math.floorMod(f.scheduledReferenceNanos(), S), "ticks on whole reference seconds");
            long errorNanos = truthAtTick[i] - f.scheduledReferenceNanos();
            if (Math.abs(truthAtTick[i] - f.actualReferenceNanos()) > f.errorBoundNanos()) {
                outsideBound++;
            }
            worstErrorNanos = Math.max(worstErrorNanos, Math.abs(errorNanos));
            worstBoundNanos = Math.max(worstBoundNanos, f.errorBoundNanos());
        }
        // What the first model alone would have done by the end: 20 ppm for an hour, then down to 15 ppm.
        long lastTick = firings.get(firings.size() - 1).scheduledReferenceNanos();
        long frozenMissNanos = Math.abs(firstModel.toLocalNanos(lastTick) - tracker.clock().model().toLocalNanos(lastTick));
        System.out.printf("%d ticks over %d h: worst |true − scheduled| %d ns, worst stated bound %d ns, "
                + "truth outside the stated bound at %d ticks; a conversion frozen at the start would miss the "
                + "last tick by %.3f ms%n", ticks, HOURS, worstErrorNanos, worstBoundNanos, outsideBound,
                frozenMissNanos / 1e6);
        assertTrue(frozenMissNanos > 10_000_000L, "the drift change matters: " + frozenMissNanos);
        assertEquals(0, outsideBound, "ticks whose truth lay outside the stated bound");
        // In phase: far within one 24 fps frame (41.7 ms), and within the bound the scheduler enforced.
        assertTrue(worstErrorNanos <= 2_000_000L, "worst error " + worstErrorNanos);
    }
}
