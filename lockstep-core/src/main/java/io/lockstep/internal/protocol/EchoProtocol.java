package io.lockstep.internal.protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.net.EchoProbe;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.TimeSource;

/**
 * The Pupil Labs Time Echo protocol (TCP, millisecond timestamps) as a {@link Protocol}:
 * {@code echo://HOST:PORT} (no default port), probed by {@link EchoProbe}, bursts condensed by
 * {@link EchoEstimator}'s interval intersection; tracking condenses 8 exchanges per sample
 * because one millisecond-resolution exchange says little. Stateless singleton, thread-safe.
 */
public final class EchoProtocol implements Protocol {

    /** The registered instance. */
    public static final EchoProtocol INSTANCE = new EchoProtocol();

    /** Exchanges in a one-shot burst, as the Pupil Labs client's default. */
    public static final int DEFAULT_SAMPLES = 100;
    /** Exchanges condensed into one tracking sample. */
    public static final int TRACKING_EXCHANGES = 8;

    private EchoProtocol() {
    }

    @Override
    public String scheme() {
        return "echo";
    }

    @Override
    public String displayName() {
        return "Time Echo";
    }

    @Override
    public int defaultPort() {
        return 0;
    }

    @Override
    public TimeProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException {
        return connect(this, new InetSocketAddress(target.host(), target.port()), local, timeoutNanos);
    }

    @Override
    public int defaultSamples() {
        return DEFAULT_SAMPLES;
    }

    /** Fewer than half the exchanges answering means a link too broken to trust. */
    @Override
    public int minValidSamples(int requested) {
        return (requested + 1) / 2;
    }

    /** The first exchange pays for the TCP connection; the Pupil Labs client discards it too. */
    @Override
    public int warmUpExchanges() {
        return 1;
    }

    @Override
    public int trackingExchanges() {
        return TRACKING_EXCHANGES;
    }

    @Override
    public OffsetEstimate estimate(Target target, List<TimeSample> samples, int dropped, String dropSummary,
                                   double maxDriftPpm) {
        double maxDrift = Math.max(EchoEstimator.DEFAULT_MAX_DRIFT_PPM, maxDriftPpm);
        return new EchoEstimator(maxDrift).estimate(target.text(), target.scheme(), samples, dropped);
    }

    @Override
    public String statisticsLabel() {
        return "Pupil Labs";
    }

    static EchoProbe connect(Protocol protocol, InetSocketAddress address, TimeSource local, long timeoutNanos)
            throws IOException {
        EchoProbe p = new EchoProbe(protocol, address, local, timeoutNanos);
        p.connect();
        return p;
    }
}
