package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;

import io.lockstep.clock.ClockModel;
import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.internal.estimate.OffsetTracker;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.TimeSample;
import io.lockstep.sim.Scenario;
import io.lockstep.sim.ScenarioRun;
import io.lockstep.sim.ScenarioSample;

/**
 * The estimators the tracking benchmark compares, each used the way a careful user of that tool
 * uses it: the Pupil Labs client's estimate (a burst of 100 exchanges back to back after one
 * discarded warm-up, mean or median) repeated every 60 s, and the same held forever from the
 * first 100 s (one-shot, kept to show what a single estimate does); liblsl's
 * {@code time_receiver} with its default settings; and Lockstep's {@link OffsetTracker} on the
 * 1 Hz stream. None of the baselines has a drift model: between updates each holds its last
 * offset, as their users apply it. Stateless factory; each predictor it makes is not
 * thread-safe.
 *
 * <p>The Pupil bursts and LSL's probes follow their own schedules, so they are taken from their
 * own play of the same scenario ({@link ScenarioRun} is deterministic: the same clocks, truth,
 * outage and Wi-Fi spike bursts at the same instants; only the per-packet jitter is drawn
 * anew). Pupil's per-exchange offsets are computed as their Python client does
 * ({@link EchoEstimator}'s Pupil report: client times in whole ms, midpoint rounded) when the
 * scenario speaks Time Echo (1 ms stamps); on NTP-like scenarios they get the exact offsets, a
 * generous reading of their method.
 */
final class Baselines {

    private static final long S = 1_000_000_000L;
    /** How often a careful Pupil Labs user re-runs {@code estimate_time_offset()}. */
    static final long PUPIL_PERIOD_NANOS = 60 * S;
    static final int PUPIL_BURST = 100;

    private Baselines() {
    }

    /** Every estimator for {@code scenario}, Lockstep last. */
    static OffsetPredictor[] all(Scenario scenario) {
        return new OffsetPredictor[] {
            once("Pupil mean, once", false),
            once("Pupil median, once", true),
            pupilEvery(scenario, PUPIL_PERIOD_NANOS, false),
            pupilEvery(scenario, PUPIL_PERIOD_NANOS, true),
            lsl(scenario),
            lockstep()};
    }

    /**
     * A baseline that takes its own exchanges on its own schedule instead of the 1 Hz stream; the
     * bench tells it how far the stream has come.
     */
    interface OwnSchedule {
        /** Performs every exchange the method would have made up to local time {@code localWallNanos}. */
        void runUntil(long localWallNanos);
    }

    /**
     * A method that holds one offset until it replaces it, with no drift model: what the Pupil
     * Labs and LSL ways predict between their updates.
     */
    private abstract static class HeldOffset implements OffsetPredictor {
        long estimate;
        boolean ready;

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public long offsetAtNanos(long localNanos) {
            return estimate;
        }

        @Override
        public double remoteDriftPpm() {
            return 0;
        }
    }

    /** A held-offset method with its own play of the scenario, advanced to the stream's time. */
    private abstract static class Scheduled extends HeldOffset implements OwnSchedule {
        final ScenarioRun run;
        final boolean echo;

        Scheduled(Scenario scenario) {
            run = new ScenarioRun(scenario);
            echo = "echo".equals(scenario.protocol().scheme());
        }

        @Override
        public void add(TimeSample sample) {
            throw new UnsupportedOperationException("takes its own exchanges");
        }

        /** Moves this play's true time on until the local clock reads {@code localWallNanos}. */
        void waitUntil(long localWallNanos) {
            long ahead = localWallNanos - run.localClock().wallNanos();
            if (ahead > 0) {
                run.truth().advance(ahead);
            }
        }
    }

    /**
     * The one-shot way: mean (or median) of the first 100 exchanges of the 1 Hz stream, then never
     * updated; no drift.
     */
    static OffsetPredictor once(String name, boolean median) {
        return new HeldOffset() {
            private final double[] offsets = new double[PUPIL_BURST];
            private int n;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void add(TimeSample sample) {
                if (n < offsets.length) {
                    offsets[n++] = sample.offsetNanos();
                    if (n == offsets.length) {
                        Stats s = Stats.of(offsets);
                        estimate = Math.round(median ? s.median() : s.mean());
                        ready = true;
                    }
                }
            }
        };
    }

    /**
     * The Pupil Labs client run every {@code periodNanos}: one warm-up exchange discarded, then
     * {@value #PUPIL_BURST} exchanges back to back; the mean (or median) of their offsets is held
     * until the next run. A run whose exchanges all fail keeps the previous estimate.
     */
    static OffsetPredictor pupilEvery(Scenario scenario, long periodNanos, boolean median) {
        return new Scheduled(scenario) {
            private long nextRunLocalNanos = Long.MIN_VALUE;

            @Override
            public String name() {
                return median ? "Pupil median /60s" : "Pupil mean /60s";
            }

            @Override
            public void runUntil(long localWallNanos) {
                if (nextRunLocalNanos == Long.MIN_VALUE) {
                    nextRunLocalNanos = localWallNanos;
                }
                while (nextRunLocalNanos <= localWallNanos) {
                    waitUntil(nextRunLocalNanos);
                    burst();
                    nextRunLocalNanos += periodNanos;
                }
            }

            private void burst() {
                run.next(); // the client's discarded first exchange
                List<TimeSample> samples = new ArrayList<>(PUPIL_BURST);
                for (int i = 0; i < PUPIL_BURST; i++) {
                    ScenarioSample s = run.next();
                    if (!s.dropped()) {
                        samples.add(s.sample());
                    }
                }
                if (samples.isEmpty()) {
                    return;
                }
                Stats stats;
                double scale;
                if (echo) {
                    stats = new EchoEstimator().estimate("simulated", "echo", samples, 0).offsetMs();
                    scale = 1e6;
                } else {
                    stats = Stats.of(samples.stream().mapToDouble(TimeSample::offsetNanos).toArray());
                    scale = 1;
                }
                estimate = Math.round((median ? stats.median() : stats.mean()) * scale);
                ready = true;
            }
        };
    }

    /** liblsl's defaults (lsl_api.cfg / api_config.cpp): TimeProbeCount etc. */
    static final int LSL_PROBES = 8;
    static final long LSL_PROBE_INTERVAL_NANOS = 64_000_000L;
    static final long LSL_MAX_RTT_NANOS = 128_000_000L;
    static final long LSL_UPDATE_INTERVAL_NANOS = 2 * S;
    static final int LSL_MIN_PROBES = 6;

    /**
     * liblsl's {@code time_receiver} with its default settings: every 2 s a wave of 8 probes
     * 64 ms apart; replies that arrive later than 128 ms + 8 × 64 ms after the wave started are
     * ignored; with at least 6 replies, the offset of the one with the smallest round trip
     * replaces the estimate (otherwise the old one stays). One difference from liblsl, stated in
     * the table's notes: the simulated probes are sequential (a probe goes out at its time or
     * when the previous reply is in, whichever is later), so a delay spike leaves fewer replies
     * in the window and the wave is more often discarded — which keeps LSL's older, better
     * estimate rather than taking a spiked one. (On a path whose round trip is always above
     * about 100 ms, fewer than 6 sequential probes fit into 0.64 s and this model never updates
     * where liblsl would; none of the standard scenarios has such a path.)
     */
    static OffsetPredictor lsl(Scenario scenario) {
        return new Scheduled(scenario) {
            private long nextWaveLocalNanos = Long.MIN_VALUE;

            @Override
            public String name() {
                return "LSL 8x64ms /2s";
            }

            @Override
            public void runUntil(long localWallNanos) {
                if (nextWaveLocalNanos == Long.MIN_VALUE) {
                    nextWaveLocalNanos = localWallNanos;
                }
                while (nextWaveLocalNanos <= localWallNanos) {
                    wave(nextWaveLocalNanos);
                    nextWaveLocalNanos += LSL_UPDATE_INTERVAL_NANOS;
                }
            }

            private void wave(long startLocalNanos) {
                long aggregateAt = startLocalNanos + LSL_MAX_RTT_NANOS + LSL_PROBE_INTERVAL_NANOS * LSL_PROBES;
                TimeSample best = null;
                int replies = 0;
                for (int k = 0; k < LSL_PROBES; k++) {
                    waitUntil(startLocalNanos + k * LSL_PROBE_INTERVAL_NANOS);
                    if (run.localClock().wallNanos() >= aggregateAt) {
                        break;
                    }
                    ScenarioSample s = run.next();
                    if (s.dropped() || s.sample().localReceiveWallNanos() > aggregateAt) {
                        continue;
                    }
                    replies++;
                    if (best == null || s.sample().roundTripNanos() < best.roundTripNanos()) {
                        best = s.sample();
                    }
                }
                if (replies >= LSL_MIN_PROBES) {
                    estimate = best.offsetNanos();
                    ready = true;
                }
            }
        };
    }

    /** Lockstep's tracker, fed the 1 Hz stream. */
    static OffsetPredictor lockstep() {
        return new OffsetPredictor() {
            private final OffsetTracker tracker = new OffsetTracker();

            @Override
            public String name() {
                return "Lockstep";
            }

            @Override
            public void add(TimeSample sample) {
                tracker.add(sample);
            }

            @Override
            public boolean ready() {
                return tracker.model() != null;
            }

            @Override
            public long offsetAtNanos(long localNanos) {
                return tracker.model().offsetAtNanos(localNanos);
            }

            @Override
            public double remoteDriftPpm() {
                ClockModel m = tracker.model();
                return m.remoteDriftPpm();
            }

            @Override
            public long errorBoundAtNanos(long localNanos) {
                return tracker.model().errorBoundAtNanos(localNanos);
            }

            @Override
            public int stepsDetected() {
                return tracker.segment();
            }
        };
    }
}
