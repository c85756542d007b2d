package io.lockstep.bench;


import io.lockstep.estimate.ClockModel;
import io.lockstep.estimate.OffsetTracker;
import io.lockstep.estimate.Stats;
import io.lockstep.estimate.TimeSample;

/**
 * The estimators the tracking benchmark compares: the Pupil Labs way (mean of the first 100
 * echoes, once), the median of the first 100, the LSL way (every 2 s, the offset of the
 * fastest of the last 8 exchanges), and Lockstep's {@link OffsetTracker}. Stateless factory;
 * each predictor it makes is not thread-safe.
 */
final class Baselines {

    private Baselines() {
    }

    static OffsetPredictor[] all() {
        return new OffsetPredictor[] {once("Pupil Labs mean100", false), once("median100", true), lsl(), lockstep()};
    }

    /**
     * A method that holds one offset until it replaces it, with no drift model: what both
     * one-shot ways and LSL's way predict between their updates.
     */
    private abstract static class HeldOffset implements OffsetPredictor {
        long estimate;

        @Override
        public long offsetAtNanos(long localNanos) {
            return estimate;
        }

        @Override
        public double driftPpm() {
            return 0;
        }
    }

    /** Mean (or median) of the first 100 offsets, then never updated; no drift. */
    static OffsetPredictor once(String name, boolean median) {
        return new HeldOffset() {
            private final double[] offsets = new double[100];
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
                    }
                }
            }

            @Override
            public boolean ready() {
                return n == offsets.length;
            }
        };
    }

    /** Every second exchange, the offset of the fastest of the last eight; no drift. */
    static OffsetPredictor lsl() {
        return new HeldOffset() {
            private final TimeSample[] last = new TimeSample[8];
            private int n;
            private boolean ready;

            @Override
            public String name() {
                return "LSL min-RTT 8/2s";
            }

            @Override
            public void add(TimeSample sample) {
                last[n % last.length] = sample;
                n++;
                if (n >= last.length && n % 2 == 0) {
                    TimeSample best = last[0];
                    for (TimeSample s : last) {
                        if (s.roundTripNanos() < best.roundTripNanos()) {
                            best = s;
                        }
                    }
                    estimate = best.offsetNanos();
                    ready = true;
                }
            }

            @Override
            public boolean ready() {
                return ready;
            }
        };
    }

    /** Lockstep's tracker. */
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
            public double driftPpm() {
                ClockModel m = tracker.model();
                return m.offsetRatePpm();
            }

            @Override
            public long errorBoundAtNanos(long localNanos) {
                return tracker.model().errorBoundAtNanos(localNanos);
            }
        };
    }
}
