package io.lockstep.sim;

import java.util.OptionalLong;

import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.VirtualTimeSource;

/**
 * A {@link TimeProbe} over a simulated link between two simulated clocks, in virtual time: each
 * exchange advances the true clock by the packets' delays (or by the timeout when a packet is
 * lost), stamps the four instants with the local and remote clocks, and truncates the remote
 * stamps to the protocol's resolution as Time Echo's milliseconds do. The simulation also
 * knows the truth, {@link #trueOffsetAtNanos(long)}, which tests compare estimates against.
 * Not thread-safe, like every probe.
 */
public final class SimulatedProbe implements TimeProbe {

    private final VirtualTimeSource truth;
    private final SimClock local;
    private final SimClock remote;
    private final SimLink link;
    private final long remoteResolutionNanos;
    private final long remoteProcessingNanos;
    private final long timeoutNanos;
    private final Protocol protocol;
    private long outageStartNanos = Long.MAX_VALUE;
    private long outageEndNanos = Long.MAX_VALUE;
    private long lastSendTrueMonoNanos;
    private long lastReceiveTrueMonoNanos;

    /**
     * @param truth                 the true clock; exchanges advance it
     * @param local                 the clock of the host that runs the probe
     * @param remote                the clock being measured
     * @param link                  delays and losses of the path between them
     * @param protocol              the protocol this probe stands in for (its burst and warm-up rules apply)
     * @param remoteResolutionNanos granularity of remote stamps (1 for NTP, 1 ms for Time Echo)
     * @param timeoutNanos          how long a lost exchange takes to give up
     */
    public SimulatedProbe(VirtualTimeSource truth, SimClock local, SimClock remote, SimLink link, Protocol protocol,
                          long remoteResolutionNanos, long timeoutNanos) {
        if (remoteResolutionNanos < 1 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("resolution must be ≥ 1 ns and the timeout positive");
        }
        this.truth = truth;
        this.local = local;
        this.remote = remote;
        this.link = link;
        this.remoteResolutionNanos = remoteResolutionNanos;
        this.remoteProcessingNanos = 20_000;
        this.timeoutNanos = timeoutNanos;
        this.protocol = java.util.Objects.requireNonNull(protocol, "protocol");
    }

    /** Every packet sent in true monotonic time {@code [startNanos, startNanos + durationNanos)} is lost. */
    public void setOutage(long startNanos, long durationNanos) {
        outageStartNanos = startNanos;
        outageEndNanos = startNanos + durationNanos;
    }

    @Override
    public TimeSample exchange() throws DroppedSampleException {
        long start = truth.monoNanos();
        lastSendTrueMonoNanos = start;
        long t1 = local.wallNanos();
        OptionalLong forward = inOutage(start) ? OptionalLong.empty() : link.delayNanos(true, start);
        if (forward.isEmpty()) {
            giveUp(start, "request lost");
        }
        truth.advance(forward.getAsLong());
        long t2 = truncate(remote.wallNanos());
        truth.advance(remoteProcessingNanos);
        long t3 = truncate(remote.wallNanos());
        long replySent = truth.monoNanos();
        OptionalLong back = inOutage(replySent) ? OptionalLong.empty() : link.delayNanos(false, replySent);
        if (back.isEmpty()) {
            giveUp(start, "reply lost");
        }
        if (replySent + back.getAsLong() - start > timeoutNanos) {
            giveUp(start, "reply timed out");
        }
        truth.advance(back.getAsLong());
        lastReceiveTrueMonoNanos = truth.monoNanos();
        long t4 = local.wallNanos();
        return new TimeSample(t1, t2, t3, t4, remoteResolutionNanos);
    }

    /** True {@code local − remote} offset at true monotonic time {@code trueMonoNanos}. */
    public long trueOffsetAtNanos(long trueMonoNanos) {
        return local.aheadAtNanos(trueMonoNanos) - remote.aheadAtNanos(trueMonoNanos);
    }

    /** True {@code local − remote} offset now. */
    public long trueOffsetNanos() {
        return trueOffsetAtNanos(truth.monoNanos());
    }

    /**
     * How fast the remote clock truly runs relative to the local one at {@code trueMonoNanos}, in
     * ppm: remote frequency minus local, positive when the remote runs fast (so the offset
     * {@code local − remote} falls at this rate).
     */
    public double trueRemoteDriftPpmAt(long trueMonoNanos) {
        return remote.frequencyPpmAt(trueMonoNanos) - local.frequencyPpmAt(trueMonoNanos);
    }

    /** True monotonic time halfway through the last successful exchange. */
    public long lastMidpointTrueMonoNanos() {
        return lastSendTrueMonoNanos + (lastReceiveTrueMonoNanos - lastSendTrueMonoNanos) / 2;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public long remoteResolutionNanos() {
        return remoteResolutionNanos;
    }

    @Override
    public void close() {
    }

    private boolean inOutage(long trueMonoNanos) {
        return trueMonoNanos >= outageStartNanos && trueMonoNanos < outageEndNanos;
    }

    private void giveUp(long startNanos, String reason) throws DroppedSampleException {
        long waited = truth.monoNanos() - startNanos;
        truth.advance(Math.max(0, timeoutNanos - waited));
        throw new DroppedSampleException(reason);
    }

    private long truncate(long wallNanos) {
        return Math.floorDiv(wallNanos, remoteResolutionNanos) * remoteResolutionNanos;
    }
}
