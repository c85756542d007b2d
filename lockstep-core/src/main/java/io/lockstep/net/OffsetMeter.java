package io.lockstep.net;

import java.io.IOException;

import io.lockstep.estimate.EchoEstimator;
import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.time.TimeSource;

/**
 * One-shot offset measurement of a target, the Java counterpart of the Pupil Labs client's
 * {@code estimate_time_offset()}: a burst of exchanges turned into an {@link OffsetEstimate}.
 * Stateless apart from its settings; each call opens its own connection, so it is thread-safe.
 */
public final class OffsetMeter {

    /** Default number of samples, as in the Pupil Labs client. */
    public static final int DEFAULT_SAMPLES = 100;
    /** Default connect and per-exchange timeout: 1 s. */
    public static final long DEFAULT_TIMEOUT_NANOS = 1_000_000_000L;

    private final TimeSource local;
    private final long timeoutNanos;

    public OffsetMeter(TimeSource local, long timeoutNanos) {
        this.local = local;
        this.timeoutNanos = timeoutNanos;
    }

    public OffsetMeter() {
        this(TimeSource.system(), DEFAULT_TIMEOUT_NANOS);
    }

    /**
     * Measures {@code target} with {@code samples} exchanges.
     *
     * @throws IOException with a one-line message on network failure, a peer that is not the
     *                     expected server, or too few valid samples (fewer than half the
     *                     requested number)
     */
    public OffsetEstimate measure(Target target, int samples, Progress progress) throws IOException {
        try (TimeProbe probe = Probes.open(target, local, timeoutNanos)) {
            BurstSampler.Burst burst = BurstSampler.run(probe, samples, progress);
            int valid = burst.samples().size();
            if (valid == 0 || valid < (samples + 1) / 2) {
                throw new IOException("too few valid samples from " + target + ": " + valid + " of " + samples
                        + (burst.lastDropReason() == null ? "" : " (last drop: " + burst.lastDropReason() + ")"));
            }
            return new EchoEstimator().estimate(target.text(), target.scheme(), burst.samples(), burst.dropped());
        }
    }
}
