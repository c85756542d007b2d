package io.lockstep.internal.estimate;

import java.util.List;

import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.TimeSample;

/**
 * Turns a burst of NTP samples from one server into one offset estimate, the twin of
 * {@link EchoEstimator}: the fastest exchanges are kept ({@link DelayFilter}) and the offset of
 * the fastest one is reported, because queueing only ever adds delay and the least-delayed
 * exchange is the least biased. Pure (samples in, estimate out) and stateless, so thread-safe.
 *
 * <p>Error bound: half the round trip of the sample used (the reply was stamped somewhere
 * between our send and our receive), plus the server's own distance from true time as it states
 * it ({@link TimeSample#remoteDistanceNanos()}: root delay / 2 + root dispersion + precision).
 * The caller adds how far its local time source may be from the host's wall clock.
 *
 * <p>Sign: {@code offset = local − remote}, NTP's θ negated.
 */
public final class NtpEstimator {

    private NtpEstimator() {
    }

    /**
     * @param target      the measured target, for the result
     * @param protocol    protocol name for the result
     * @param samples     valid samples (not empty)
     * @param dropped     exchanges that failed
     * @param dropSummary why they failed, one line; empty when none did
     * @throws IllegalArgumentException when {@code samples} is empty
     */
    public static OffsetEstimate estimate(String target, String protocol, List<TimeSample> samples, int dropped,
                                          String dropSummary) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no valid samples");
        }
        List<TimeSample> kept = DelayFilter.keep(samples);
        TimeSample best = kept.get(0);
        long errorBound = TimeSample.asymmetryBoundNanos(best.roundTripNanos(), best.remoteResolutionNanos())
                + best.remoteDistanceNanos();
        double[] offsetsMs = new double[samples.size()];
        double[] roundTripsMs = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            offsetsMs[i] = samples.get(i).offsetNanos() / 1e6;
            roundTripsMs[i] = samples.get(i).roundTripNanos() / 1e6;
        }
        String method = "minimum-delay sample of " + samples.size() + " (" + (samples.size() - kept.size())
                + " rejected as delay outliers); bound = delay/2 + root distance + precision"
                // Say why requests went unanswered (a RATE kiss-o'-death above all), not just how many.
                + (dropped > 0 && !dropSummary.isEmpty() ? "; dropped: " + dropSummary : "");
        return new OffsetEstimate(target, protocol, best.offsetNanos(), errorBound, best.roundTripNanos(),
                samples.size(), dropped, Stats.of(offsetsMs), Stats.of(roundTripsMs), method, best.localMidNanos());
    }
}
