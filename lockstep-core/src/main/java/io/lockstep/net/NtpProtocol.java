package io.lockstep.net;

import java.io.IOException;
import java.util.List;

import io.lockstep.estimate.NtpEstimator;
import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.estimate.TimeSample;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.time.TimeSource;

/**
 * NTP (RFC 5905, client mode over UDP) as a {@link Protocol}: {@code ntp://HOST[:PORT]}, port 123
 * by default, probed by {@link NtpProbe}, bursts condensed by {@link NtpEstimator}, several
 * servers combinable by source selection. Stateless singleton, thread-safe.
 */
public final class NtpProtocol implements Protocol {

    /** The registered instance. */
    public static final NtpProtocol INSTANCE = new NtpProtocol();

    /** Requests in a one-shot burst: each carries ns timestamps, so few are needed. */
    public static final int DEFAULT_SAMPLES = 16;
    /** Mean pause between the requests of a burst: 2 ms, well within a default NTP rate limit. */
    public static final long BURST_SPACING_NANOS = 2_000_000L;

    private NtpProtocol() {
    }

    @Override
    public String scheme() {
        return "ntp";
    }

    @Override
    public int defaultPort() {
        return Target.NTP_DEFAULT_PORT;
    }

    @Override
    public TimeProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException {
        return NtpProbe.open(target, local, timeoutNanos);
    }

    @Override
    public int defaultSamples() {
        return DEFAULT_SAMPLES;
    }

    /** Servers rate-limit; a burst of more than this would be a flood. */
    @Override
    public int maxSamples() {
        return 10_000;
    }

    /**
     * 16 ms, NTP's smallest poll interval (2^-6 s, chronyd's {@code minpoll -6}): what a server
     * that allows fast polling expects at most.
     */
    @Override
    public long minTrackingIntervalNanos() {
        return 15_625_000L;
    }

    @Override
    public OffsetEstimate estimate(Target target, List<TimeSample> samples, int dropped, String dropSummary,
                                   double maxDriftPpm) {
        return NtpEstimator.estimate(target.text(), scheme(), samples, dropped, dropSummary);
    }

    @Override
    public boolean combinesSources() {
        return true;
    }
}
