package io.lockstep.internal.estimate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.lockstep.protocol.TimeSample;

/**
 * Keeps the samples of a burst whose round trip is close to the smallest one and rejects those
 * far above it, in the spirit of the NTP clock filter (RFC 5905 §10): queueing adds delay, and
 * an exchange delayed on one leg more than on the other has a proportionally wrong offset, so
 * the fastest exchanges are the most trustworthy. Pure and stateless; thread-safe.
 *
 * <p>A sample is kept when its round trip is at most {@code 2 × minimum + 50 µs}: twice the
 * minimum tolerates ordinary jitter on any path, and the 50 µs floor keeps loopback and LAN
 * bursts (minimum round trips of tens of µs, where scheduler noise dominates) from being
 * thinned to a single sample.
 */
public final class DelayFilter {

    /** Round-trip slack (ns) always allowed above twice the minimum. */
    public static final long FLOOR_NANOS = 50_000L;

    private DelayFilter() {
    }

    /** The kept samples, fastest first; empty only for empty input. */
    public static List<TimeSample> keep(List<TimeSample> samples) {
        List<TimeSample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingLong(TimeSample::roundTripNanos));
        if (sorted.isEmpty()) {
            return sorted;
        }
        long limit = thresholdNanos(sorted.get(0).roundTripNanos());
        List<TimeSample> kept = new ArrayList<>();
        for (TimeSample s : sorted) {
            if (s.roundTripNanos() <= limit) {
                kept.add(s);
            }
        }
        return kept;
    }

    /** Largest round trip kept when the minimum is {@code minRoundTripNanos}. */
    public static long thresholdNanos(long minRoundTripNanos) {
        return 2 * Math.max(0, minRoundTripNanos) + FLOOR_NANOS;
    }
}
