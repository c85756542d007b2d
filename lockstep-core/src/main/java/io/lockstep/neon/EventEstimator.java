package io.lockstep.neon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.TimeSample;

/**
 * Turns events the phone stamped itself into an offset estimate: the event method of the Pupil
 * Labs guides, done with a bound. Pure and stateless, so thread-safe.
 *
 * <p>Each event was posted at local wall time {@code t1}, its answer fully read at {@code t4},
 * and the phone read its clock somewhere in between and truncated the reading to its stamp
 * resolution (1 ms for the Companion app). That is a Time Echo exchange whose remote receive
 * and send instants are the one stamp, so the same interval intersection applies
 * ({@link EchoEstimator}): each event bounds the offset to
 * {@code [t1 − (stamp + resolution), t4 − stamp]} wherever inside the request the phone
 * stamped, and the intersection over a burst is the estimate and its bound. HTTP processing
 * on the phone only widens each interval; it cannot push the truth outside it.
 *
 * <p>Beside it, the <b>seed</b>: what the Pupil Labs guide computes, the median over events of
 * {@code local midpoint − stamp} ({@link Result#seedOffsetNanos()}, in Lockstep's sign), which
 * assumes the stamp lies at the middle of the request and is off by however far the phone's
 * processing moves it from there. The estimate's {@code stats} are the per-event midpoint offsets
 * and round trips in ms.
 */
public final class EventEstimator {

    /** One event the phone stamped: local instants around the request and the phone's stamp. */
    public record StampedEvent(long localSendWallNanos, long phoneStampNanos, long localReceiveWallNanos) {
        /** The exchange as a two-way sample whose remote instants are both the stamp. */
        public TimeSample toSample(long resolutionNanos) {
            return new TimeSample(localSendWallNanos, phoneStampNanos, phoneStampNanos, localReceiveWallNanos,
                    resolutionNanos);
        }

        /** {@code local midpoint − stamp}: one event's offset as the Pupil Labs guide takes it. */
        public long midpointOffsetNanos() {
            return localSendWallNanos + (localReceiveWallNanos - localSendWallNanos) / 2 - phoneStampNanos;
        }
    }

    /** The estimate (with bound) and the seed's median of midpoints beside it. */
    public record Result(OffsetEstimate estimate, long seedOffsetNanos) {
    }

    private final EchoEstimator intervals;

    /** @param maxDriftPpm largest drift between the clocks while a burst runs; widens the bound */
    public EventEstimator(double maxDriftPpm) {
        this.intervals = new EchoEstimator(maxDriftPpm);
    }

    /**
     * @param target          the measured target, for the result
     * @param events          the burst's events (a discarded warm-up not included)
     * @param dropped         events that failed
     * @param resolutionNanos the phone's stamp resolution (truncating)
     * @throws IllegalArgumentException when {@code events} is empty
     */
    public Result estimate(String target, List<StampedEvent> events, int dropped, long resolutionNanos) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no valid events");
        }
        List<TimeSample> samples = new ArrayList<>(events.size());
        double[] offsetsMs = new double[events.size()];
        double[] roundTripsMs = new double[events.size()];
        long[] midpointOffsets = new long[events.size()];
        for (int i = 0; i < events.size(); i++) {
            StampedEvent e = events.get(i);
            samples.add(e.toSample(resolutionNanos));
            midpointOffsets[i] = e.midpointOffsetNanos();
            offsetsMs[i] = midpointOffsets[i] / 1e6;
            roundTripsMs[i] = (e.localReceiveWallNanos() - e.localSendWallNanos()) / 1e6;
        }
        OffsetEstimate bounded = intervals.estimate(target, "neon", samples, dropped);
        Arrays.sort(midpointOffsets);
        int n = midpointOffsets.length;
        long median = n % 2 == 1 ? midpointOffsets[n / 2]
                : midpointOffsets[n / 2 - 1] + (midpointOffsets[n / 2] - midpointOffsets[n / 2 - 1]) / 2;
        OffsetEstimate withStats = new OffsetEstimate(bounded.target(), bounded.protocol(), bounded.offsetNanos(),
                bounded.errorBoundNanos(), bounded.roundTripNanos(), bounded.samples(), bounded.dropped(),
                Stats.of(offsetsMs), Stats.of(roundTripsMs), bounded.method(), bounded.localWallNanos());
        return new Result(withStats, median);
    }
}
