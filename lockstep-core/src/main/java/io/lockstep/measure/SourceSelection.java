package io.lockstep.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;

/**
 * Chooses among several servers' offset estimates the way NTP's selection and combining
 * algorithms do (RFC 5905 §11.2.1 and §11.2.3, after Marzullo): each estimate is a confidence
 * interval {@code offset ± errorBound} (for NTP sources the error bound includes the server's
 * root distance); the smallest number {@code f} of falsetickers for which {@code n − f}
 * intervals share a point is found (with {@code f < n/2}, i.e. a strict majority); estimates
 * whose interval overlaps that shared interval are truechimers, the rest falsetickers; and
 * truechimers are averaged with weights 1/error bound. Pure and stateless; thread-safe.
 *
 * <p>The combined error bound is not a constant: if the majority is right, the truth lies in
 * the shared interval, so the bound is the distance from the combined offset to its far end.
 */
public final class SourceSelection {

    private SourceSelection() {
    }

    /**
     * Thrown when no strict majority of the estimates agree. Carries the estimates (and, from
     * {@link OffsetMeter#measureAll}, the servers that could not be measured) so a caller can
     * still show each server: without a majority, the rows are what tell the user which is off.
     */
    public static final class NoMajorityException extends Exception {
        private final transient List<OffsetEstimate> estimates;
        private final transient Map<String, String> failures;

        public NoMajorityException(String message) {
            this(message, List.of(), Map.of());
        }

        /**
         * @param estimates one per reachable server, in the order the targets were given
         * @param failures  target text → one-line error, for servers that gave no usable reply
         */
        public NoMajorityException(String message, List<OffsetEstimate> estimates, Map<String, String> failures) {
            super(message);
            this.estimates = List.copyOf(estimates);
            this.failures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
        }

        /** Each reachable server's estimate, in the order given (empty if not known). */
        public List<OffsetEstimate> estimates() {
            return estimates;
        }

        /** Target text → one-line error, for servers that could not be measured. */
        public Map<String, String> failures() {
            return failures;
        }

        /** The same failure, also naming the servers that could not be measured. */
        NoMajorityException withFailures(Map<String, String> unreachable) {
            NoMajorityException e = new NoMajorityException(getMessage(), estimates, unreachable);
            e.setStackTrace(getStackTrace());
            return e;
        }
    }

    /**
     * Selects and combines.
     *
     * @param estimates one estimate per server, at least one
     * @throws NoMajorityException when fewer than a strict majority of intervals intersect
     */
    public static SelectedSources select(List<OffsetEstimate> estimates) throws NoMajorityException {
        int n = estimates.size();
        if (n == 0) {
            throw new IllegalArgumentException("no estimates to select from");
        }
        long[][] endpoints = new long[2 * n][];
        for (int i = 0; i < n; i++) {
            OffsetEstimate e = estimates.get(i);
            long bound = Math.max(0, e.errorBoundNanos());
            // {value, type}: type -1 opens an interval, +1 closes it.
            endpoints[2 * i] = new long[] {e.offsetNanos() - bound, -1};
            endpoints[2 * i + 1] = new long[] {e.offsetNanos() + bound, +1};
        }
        // Ascending by value; at equal values opens come before closes, so touching intervals meet.
        Arrays.sort(endpoints, Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
        for (int f = 0; 2 * f < n; f++) {
            int need = n - f;
            long low = Long.MAX_VALUE;
            int count = 0;
            for (long[] p : endpoints) {
                count -= (int) p[1];
                if (count >= need) {
                    low = p[0];
                    break;
                }
            }
            long high = Long.MIN_VALUE;
            count = 0;
            for (int i = endpoints.length - 1; i >= 0; i--) {
                count += (int) endpoints[i][1];
                if (count >= need) {
                    high = endpoints[i][0];
                    break;
                }
            }
            if (low <= high) {
                return combine(estimates, low, high);
            }
        }
        throw new NoMajorityException("no majority of the " + n + " servers agree on the time: "
                + "their confidence intervals (offset ± error bound) do not overlap", estimates, Map.of());
    }

    private static SelectedSources combine(List<OffsetEstimate> estimates, long low, long high) {
        List<OffsetEstimate> truechimers = new ArrayList<>();
        List<OffsetEstimate> falsetickers = new ArrayList<>();
        for (OffsetEstimate e : estimates) {
            long bound = Math.max(0, e.errorBoundNanos());
            boolean overlaps = e.offsetNanos() - bound <= high && e.offsetNanos() + bound >= low;
            (overlaps ? truechimers : falsetickers).add(e);
        }
        double weightSum = 0;
        double weighted = 0;
        long minRoundTrip = Long.MAX_VALUE;
        int samples = 0;
        int dropped = 0;
        double[] offsetsMs = new double[truechimers.size()];
        double[] roundTripsMs = new double[truechimers.size()];
        for (int i = 0; i < truechimers.size(); i++) {
            OffsetEstimate e = truechimers.get(i);
            double w = 1.0 / Math.max(1, e.errorBoundNanos());
            weightSum += w;
            weighted += w * e.offsetNanos();
            minRoundTrip = Math.min(minRoundTrip, e.roundTripNanos());
            samples += e.samples();
            dropped += e.dropped();
            offsetsMs[i] = e.offsetNanos() / 1e6;
            roundTripsMs[i] = e.roundTripNanos() / 1e6;
        }
        long offset = Math.round(weighted / weightSum);
        long bound = Math.max(offset - low, high - offset);
        String target = String.join(",", estimates.stream().map(OffsetEstimate::target).toList());
        String method = "intersection of " + estimates.size() + " servers' intervals: " + truechimers.size()
                + " truechimer(s), " + falsetickers.size() + " falseticker(s); truechimers weighted by 1/error bound";
        OffsetEstimate combined = new OffsetEstimate(target, truechimers.get(0).protocol(), offset, bound,
                minRoundTrip, samples, dropped, Stats.of(offsetsMs), Stats.of(roundTripsMs), method,
                truechimers.stream().mapToLong(OffsetEstimate::localWallNanos).max().orElse(0));
        return new SelectedSources(combined, truechimers, falsetickers, low, high);
    }
}
