package io.lockstep.bench;

/**
 * What one {@link NtpLoadGenerator} run against one server measured. Immutable.
 *
 * @param sent            requests sent
 * @param answered        replies received that matched a request
 * @param lost            requests that got no reply within the generator's reply timeout
 * @param durationNanos   length of the measuring phase
 * @param p50LatencyNanos median time from sending a request to reading its reply
 * @param p99LatencyNanos 99th percentile of the same (both over every reply of the phase)
 * @param generatorCpuNanos CPU time the generator's threads used in the measuring phase
 */
public record NtpLoadResult(long sent, long answered, long lost, long durationNanos, long p50LatencyNanos,
                            long p99LatencyNanos, long generatorCpuNanos) {

    /** Replies per second. */
    public double answeredPerSecond() {
        return answered * 1e9 / durationNanos;
    }

    /** Fraction of settled requests (answered or lost) that were lost. */
    public double lossFraction() {
        long settled = answered + lost;
        return settled == 0 ? 0 : (double) lost / settled;
    }
}
