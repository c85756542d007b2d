package io.lockstep.sim;

/**
 * A complete tracking situation to simulate: the link, the remote clock's offset, drift,
 * frequency wander and resolution, an optional step and an optional outage, and how long and
 * how often to sample. Immutable; {@link ScenarioRun} plays it.
 *
 * @param name                  short name for tables
 * @param link                  the path statistics
 * @param remoteAheadNanos      how far the remote clock reads ahead of the local one at the start
 * @param remoteDriftPpm        how fast the remote clock runs relative to the local one
 * @param wanderPpmPerSqrtSecond frequency random walk of the remote clock (temperature)
 * @param remoteResolutionNanos granularity of remote stamps (1 for NTP, 1 ms for Time Echo)
 * @param stepAtNanos           when (since the start) the remote clock steps; negative for never
 * @param stepNanos             size of that step
 * @param outageAtNanos         when (since the start) the link goes dead; negative for never
 * @param outageNanos           how long it stays dead
 * @param durationNanos         how long to sample
 * @param intervalNanos         time between exchanges
 * @param seed                  seed for clocks and link
 * @param driftChangeAtNanos    when (since the start) the remote's drift jumps; negative for never
 * @param driftAfterChangePpm   the remote's drift after that jump (a sign flip: +20 then −15)
 * @param driftRampPpmPerSecond how fast the remote's drift changes steadily (a crystal warming)
 * @param protocolScheme        the scheme of the protocol whose stamps are simulated, looked up in
 *                              the protocol registry (any registered protocol works); null picks
 *                              by resolution: {@code echo} for whole milliseconds, else {@code ntp}
 */
public record Scenario(String name, LinkModel link, long remoteAheadNanos, double remoteDriftPpm,
                       double wanderPpmPerSqrtSecond, long remoteResolutionNanos, long stepAtNanos, long stepNanos,
                       long outageAtNanos, long outageNanos, long durationNanos, long intervalNanos, long seed,
                       long driftChangeAtNanos, double driftAfterChangePpm, double driftRampPpmPerSecond,
                       String protocolScheme) {

    private static final long S = 1_000_000_000L;

    /** A scenario whose protocol follows from its resolution. */
    public Scenario(String name, LinkModel link, long remoteAheadNanos, double remoteDriftPpm,
                    double wanderPpmPerSqrtSecond, long remoteResolutionNanos, long stepAtNanos, long stepNanos,
                    long outageAtNanos, long outageNanos, long durationNanos, long intervalNanos, long seed,
                    long driftChangeAtNanos, double driftAfterChangePpm, double driftRampPpmPerSecond) {
        this(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, remoteResolutionNanos, stepAtNanos,
                stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed, driftChangeAtNanos,
                driftAfterChangePpm, driftRampPpmPerSecond, null);
    }

    /** A scenario whose drift neither jumps nor ramps. */
    public Scenario(String name, LinkModel link, long remoteAheadNanos, double remoteDriftPpm,
                    double wanderPpmPerSqrtSecond, long remoteResolutionNanos, long stepAtNanos, long stepNanos,
                    long outageAtNanos, long outageNanos, long durationNanos, long intervalNanos, long seed) {
        this(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, remoteResolutionNanos, stepAtNanos,
                stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed, -1, remoteDriftPpm, 0);
    }

    /** A scenario with no step and no outage, sampling once a second for an hour over NTP-like stamps. */
    public static Scenario of(String name, LinkModel link, double remoteDriftPpm, long seed) {
        return new Scenario(name, link, 123_456_789L, remoteDriftPpm, 0.0002, 1, -1, 0, -1, 0, 3600 * S, S, seed);
    }

    /** Returns a copy with a step of {@code stepNanos} at {@code atNanos}. */
    public Scenario withStep(long atNanos, long stepNanos) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond,
                remoteResolutionNanos, atNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos,
                seed, driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy with the link dead for {@code lengthNanos} from {@code atNanos}. */
    public Scenario withOutage(long atNanos, long lengthNanos) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond,
                remoteResolutionNanos, stepAtNanos, stepNanos, atNanos, lengthNanos, durationNanos, intervalNanos,
                seed, driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy with a different remote stamp resolution. */
    public Scenario withResolution(long resolutionNanos) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, resolutionNanos,
                stepAtNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed,
                driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy with a different length and interval. */
    public Scenario withDuration(long newDurationNanos, long newIntervalNanos) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond,
                remoteResolutionNanos, stepAtNanos, stepNanos, outageAtNanos, outageNanos, newDurationNanos,
                newIntervalNanos, seed, driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy with a different frequency wander. */
    public Scenario withWander(double ppmPerSqrtSecond) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, ppmPerSqrtSecond, remoteResolutionNanos,
                stepAtNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed,
                driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy whose remote drift jumps to {@code newDriftPpm} at {@code atNanos} (since the start). */
    public Scenario withDriftChange(long atNanos, double newDriftPpm) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, remoteResolutionNanos,
                stepAtNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed, atNanos,
                newDriftPpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy whose remote drift changes steadily by {@code ppmPerSecond}. */
    public Scenario withDriftRamp(double ppmPerSecond) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, remoteResolutionNanos,
                stepAtNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed,
                driftChangeAtNanos, driftAfterChangePpm, ppmPerSecond, protocolScheme);
    }

    /** Returns a copy with a different seed. */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, remoteResolutionNanos,
                stepAtNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, newSeed,
                driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, protocolScheme);
    }

    /** Returns a copy that simulates the registered protocol {@code scheme} (null: by resolution). */
    public Scenario withProtocol(String scheme) {
        return new Scenario(name, link, remoteAheadNanos, remoteDriftPpm, wanderPpmPerSqrtSecond, remoteResolutionNanos,
                stepAtNanos, stepNanos, outageAtNanos, outageNanos, durationNanos, intervalNanos, seed,
                driftChangeAtNanos, driftAfterChangePpm, driftRampPpmPerSecond, scheme);
    }

    /**
     * The protocol whose stamps this scenario simulates, from the protocol registry: the one
     * named by {@link #protocolScheme()}, or by default Time Echo for whole-millisecond remote
     * stamps and NTP otherwise.
     *
     * @throws IllegalArgumentException when no protocol is registered for the scheme
     */
    public io.lockstep.protocol.Protocol protocol() {
        String scheme = protocolScheme != null ? protocolScheme : remoteResolutionNanos >= 1_000_000L ? "echo" : "ntp";
        return io.lockstep.protocol.Protocols.standard().find(scheme).orElseThrow(
                () -> new IllegalArgumentException("no protocol registered for scheme '" + scheme + "'"));
    }
}
