package io.lockstep.measure;

import io.lockstep.net.NtpClient;
import io.lockstep.net.NtpClientOptions;
import io.lockstep.protocol.Probes;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;

import java.io.IOException;

import io.lockstep.estimate.EchoEstimator;
import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.time.TimeSource;

/**
 * One-shot offset measurement of a target, the Java counterpart of the Pupil Labs client's
 * {@code estimate_time_offset()}: a burst of exchanges turned into an {@link OffsetEstimate}
 * (Time Echo and {@code neon://} here, NTP through {@link NtpClient}).
 * Stateless apart from its settings; each call opens its own connection, so it is thread-safe.
 */
public final class OffsetMeter {

    /** Default number of samples for Time Echo, as in the Pupil Labs client. */
    public static final int DEFAULT_SAMPLES = 100;
    /** Default number of samples for NTP: each carries ns timestamps, so fewer are needed. */
    public static final int DEFAULT_NTP_SAMPLES = NtpClientOptions.DEFAULT_SAMPLES;
    /** Default connect and per-exchange timeout: 1 s. */
    public static final long DEFAULT_TIMEOUT_NANOS = 1_000_000_000L;

    private final TimeSource local;
    private final long timeoutNanos;
    private final double maxDriftPpm;

    /**
     * @param local        the local clock (its {@link TimeSource#wallUncertaintyNanos()} is added to bounds)
     * @param timeoutNanos connect and per-exchange timeout
     * @param maxDriftPpm  largest drift between the clocks assumed while a burst runs (at least 100)
     */
    public OffsetMeter(TimeSource local, long timeoutNanos, double maxDriftPpm) {
        this.local = local;
        this.timeoutNanos = timeoutNanos;
        this.maxDriftPpm = maxDriftPpm;
    }

    public OffsetMeter(TimeSource local, long timeoutNanos) {
        this(local, timeoutNanos, EchoEstimator.DEFAULT_MAX_DRIFT_PPM);
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
        if (target.scheme().equals("ntp")) {
            return ntpClient(samples).measure(target);
        }
        try (TimeProbe probe = Probes.open(target, local, timeoutNanos)) {
            BurstSampler.Burst burst = BurstSampler.run(probe, samples, progress);
            int valid = burst.samples().size();
            if (valid < (samples + 1) / 2) {
                throw new IOException("too few valid samples from " + target + ": " + valid + " of " + samples
                        + (burst.lastDropReason() == null ? "" : " (last drop: " + burst.lastDropReason() + ")"));
            }
            return estimate(target, burst);
        }
    }

    /**
     * The estimate {@link #measure} reports for a Time Echo burst: the interval intersection with
     * this meter's drift allowance, widened by the local clock's own uncertainty. Exposed so a
     * benchmark that keeps the burst's samples judges exactly what users get.
     */
    public OffsetEstimate estimate(Target target, BurstSampler.Burst burst) {
        double maxDrift = Math.max(EchoEstimator.DEFAULT_MAX_DRIFT_PPM, maxDriftPpm);
        return new EchoEstimator(maxDrift).estimate(target.text(), target.scheme(), burst.samples(), burst.dropped())
                .widenedBy(local.wallUncertaintyNanos());
    }

    /**
     * Measures several NTP servers at once and selects among them (intersection of their
     * confidence intervals, falsetickers flagged, truechimers combined).
     *
     * @throws IOException when none could be measured
     * @throws io.lockstep.estimate.SourceSelection.NoMajorityException when no majority agrees
     */
    public NtpSurvey measureNtp(java.util.List<Target> targets, int samples)
            throws IOException, io.lockstep.estimate.SourceSelection.NoMajorityException {
        return ntpClient(samples).measureAll(targets);
    }

    /** Default sample count for a target's protocol. */
    public static int defaultSamples(Target target) {
        return target.scheme().equals("ntp") ? DEFAULT_NTP_SAMPLES : DEFAULT_SAMPLES;
    }

    private NtpClient ntpClient(int samples) {
        return new NtpClient(NtpClientOptions.defaults().withSamples(samples).withTimeoutNanos(timeoutNanos)
                .withTimeSource(local));
    }
}
