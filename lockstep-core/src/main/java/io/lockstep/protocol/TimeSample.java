package io.lockstep.protocol;

/**
 * One two-way time exchange with a remote clock, in the wall domain: the local send and receive
 * instants and the remote receive and send instants, all in ns. Immutable.
 *
 * <p>Sign convention (Lockstep everywhere): {@code offset = local − remote}, so
 * {@code remote_time = local_time − offset}. This is the opposite sign of NTP's θ.
 *
 * <p>{@code remoteResolutionNanos} is the granularity of the remote timestamps: the remote
 * clock read some instant in {@code [remote, remote + resolution)} (protocols that truncate,
 * like Time Echo's milliseconds, have resolution 1 ms; NTP's is effectively 1 ns).
 *
 * @param localSendWallNanos    local wall time when the request left (t1)
 * @param remoteReceiveWallNanos remote wall time when the request arrived (t2)
 * @param remoteSendWallNanos   remote wall time when the reply left (t3)
 * @param localReceiveWallNanos local wall time when the reply arrived (t4)
 * @param remoteResolutionNanos granularity of the remote timestamps (≥ 1)
 * @param remoteDistanceNanos   how far the remote's own clock may be from its reference, as the
 *                              remote states it (NTP: root delay / 2 + root dispersion + its
 *                              precision); 0 when the protocol does not say
 */
public record TimeSample(long localSendWallNanos, long remoteReceiveWallNanos, long remoteSendWallNanos,
                         long localReceiveWallNanos, long remoteResolutionNanos, long remoteDistanceNanos) {

    public TimeSample {
        if (remoteResolutionNanos < 1) {
            throw new IllegalArgumentException("remote resolution must be at least 1 ns");
        }
        if (remoteDistanceNanos < 0) {
            throw new IllegalArgumentException("remote distance must not be negative");
        }
    }

    /** A sample from a remote that states nothing about its own accuracy. */
    public TimeSample(long localSendWallNanos, long remoteReceiveWallNanos, long remoteSendWallNanos,
                      long localReceiveWallNanos, long remoteResolutionNanos) {
        this(localSendWallNanos, remoteReceiveWallNanos, remoteSendWallNanos, localReceiveWallNanos,
                remoteResolutionNanos, 0);
    }

    /**
     * Offset {@code local − remote} from the midpoints of both ends, assuming a symmetric path
     * and placing the remote instant at the middle of its resolution interval.
     */
    public long offsetNanos() {
        long localMid = localMidNanos();
        long remoteMid = remoteReceiveWallNanos + (remoteSendWallNanos - remoteReceiveWallNanos) / 2
                + (remoteResolutionNanos > 1 ? remoteResolutionNanos / 2 : 0);
        return localMid - remoteMid;
    }

    /** The local instant the exchange stands for: the midpoint of send and receive (wall ns). */
    public long localMidNanos() {
        return localSendWallNanos + (localReceiveWallNanos - localSendWallNanos) / 2;
    }

    /**
     * What no two-way measurement can see: a path asymmetry shifts every sample by up to half
     * the round trip, and a remote clock of coarse resolution hides up to half a tick more. The
     * one formula both the live tracker and post-hoc correction add to their bounds.
     *
     * @param bestRoundTripNanos   the fastest round trip among the samples used
     * @param remoteResolutionNanos the coarsest remote resolution among them
     */
    public static long asymmetryBoundNanos(long bestRoundTripNanos, long remoteResolutionNanos) {
        return (bestRoundTripNanos + 1) / 2 + (remoteResolutionNanos > 1 ? (remoteResolutionNanos + 1) / 2 : 0);
    }

    /** Round trip excluding the remote's processing time: {@code (t4 − t1) − (t3 − t2)}, in ns. */
    public long roundTripNanos() {
        return (localReceiveWallNanos - localSendWallNanos) - Math.max(0, remoteSendWallNanos - remoteReceiveWallNanos);
    }

    /**
     * Smallest offset consistent with causality: the remote read its clock no earlier than we
     * sent and no later than we received, and the true remote reading lies within its resolution.
     */
    public long minOffsetNanos() {
        return localSendWallNanos - (remoteReceiveWallNanos + remoteResolutionNanos);
    }

    /** Largest offset consistent with causality; see {@link #minOffsetNanos()}. */
    public long maxOffsetNanos() {
        return localReceiveWallNanos - remoteSendWallNanos;
    }
}
