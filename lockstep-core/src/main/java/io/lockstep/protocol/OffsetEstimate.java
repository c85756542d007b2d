package io.lockstep.protocol;

/**
 * One offset measurement of a remote clock, with the error bound the truth lies within and the
 * Pupil Labs-style summary of the samples it came from. Immutable.
 *
 * <p>Sign: {@code offsetNanos = local − remote}; {@code remote_time = local_time − offset}.
 *
 * @param target          what was measured, as written by the user (e.g. {@code echo://host:port})
 * @param protocol        {@code echo}, {@code ntp} or {@code neon}
 * @param offsetNanos     Lockstep's estimate of {@code local − remote}
 * @param errorBoundNanos the truth lies within {@code offsetNanos ± errorBoundNanos}
 * @param roundTripNanos  round trip of the sample(s) the estimate was taken from
 * @param samples         valid samples used for the statistics
 * @param dropped         exchanges that failed (mismatch, short reply, timeout) and were dropped
 * @param offsetMs        mean/std/median of the per-sample offsets in ms (Pupil Labs report)
 * @param roundTripMs     mean/std/median of the per-sample round trips in ms (Pupil Labs report)
 * @param method          how the estimate was formed, for the curious reader of JSON output
 * @param localWallNanos  the local wall time the estimate applies to (the best exchange's
 *                        midpoint); with drift the offset is only exact at that instant
 */
public record OffsetEstimate(String target, String protocol, long offsetNanos, long errorBoundNanos,
                             long roundTripNanos, int samples, int dropped, Stats offsetMs, Stats roundTripMs,
                             String method, long localWallNanos) {

    /**
     * Returns a copy whose bound is wider by {@code extraNanos}, e.g. for the local clock's own
     * uncertainty against the host's wall clock.
     */
    public OffsetEstimate widenedBy(long extraNanos) {
        return new OffsetEstimate(target, protocol, offsetNanos, errorBoundNanos + extraNanos, roundTripNanos, samples,
                dropped, offsetMs, roundTripMs, method, localWallNanos);
    }

    /** True when {@code trueOffsetNanos} lies within this estimate's error bound. */
    public boolean contains(long trueOffsetNanos) {
        return Math.abs(trueOffsetNanos - offsetNanos) <= errorBoundNanos;
    }
}
