package io.lockstep.internal.protocol;

import java.io.IOException;
import java.util.List;

import io.lockstep.internal.estimate.NtpEstimator;
import io.lockstep.net.NtpProbe;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.PublicServerPace;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.TimeSource;

/**
 * NTP (RFC 5905, client mode over UDP) as a {@link Protocol}: {@code ntp://HOST[:PORT]}, port 123
 * by default, probed by {@link NtpProbe}, bursts condensed by {@link NtpEstimator}, several
 * servers combinable by source selection. Stateless singleton, thread-safe.
 */
public final class NtpProtocol implements Protocol {

    /** The registered instance. */
    public static final NtpProtocol INSTANCE = new NtpProtocol();

    /**
     * Requests in a one-shot burst to a server of the user's own ({@code offset --own-server}):
     * each carries ns timestamps, so few are needed.
     */
    public static final int DEFAULT_SAMPLES = 16;
    /** Mean pause between the requests of a fast burst; see {@link NtpProbe#BURST_SPACING_NANOS}. */
    public static final long BURST_SPACING_NANOS = NtpProbe.BURST_SPACING_NANOS;

    /**
     * A burst a public server's operators accept, modelled on {@code iburst}, the one burst the
     * NTP pool and public servers' access policies allow: chronyd's {@code iburst} sends its first
     * four requests at most 2 s apart, ntpd's eight 2 s apart. So 4 requests by default, at most
     * 8, each 2 s after the one before (about 6 s for the default). Within this, chronyd's
     * {@code ratelimit} at its defaults (interval 3, i.e. one request per 8 s, burst 8) answers
     * every request of a client it has not seen for a while, and the spacing keeps to ntpd's
     * {@code discard} guard time (2 s by default) for servers restricted with {@code limited}.
     */
    public static final PublicServerPace PUBLIC_SERVER_PACE = new PublicServerPace(4, 8, 2_000_000_000L);

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

    @Override
    public PublicServerPace publicServerPace() {
        return PUBLIC_SERVER_PACE;
    }

    /** Servers rate-limit; a burst of more than this would be a flood even of one's own server. */
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
