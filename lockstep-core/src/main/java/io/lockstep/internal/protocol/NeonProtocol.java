package io.lockstep.internal.protocol;

import java.io.IOException;
import java.util.List;

import io.lockstep.net.NeonClient;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.TimeSource;

/**
 * A Pupil Labs Companion app (Neon, Pupil Invisible) as a {@link Protocol}:
 * {@code neon://HOST[:PORT]} names the app's HTTP API (port 8080 by default); opening asks
 * {@code /api/status} for the Time Echo port ({@link NeonClient}) and then measures over Time
 * Echo exactly as {@link EchoProtocol} does. Stateless singleton, thread-safe.
 */
public final class NeonProtocol implements Protocol {

    /** The registered instance. */
    public static final NeonProtocol INSTANCE = new NeonProtocol();

    /**
     * Least time the {@code /api/status} request that finds the Time Echo port may take (2 s,
     * the Companion client's default). It is one-off set-up, not an exchange: a tracker's
     * exchange timeout follows its interval (250 ms at {@code --interval 250ms}), and a loaded
     * phone or host can take longer than that to answer HTTP while a dropped exchange costs
     * nothing and a failed open ends {@code track}.
     */
    public static final long STATUS_TIMEOUT_MIN_NANOS = 2_000_000_000L;

    private NeonProtocol() {
    }

    @Override
    public String scheme() {
        return "neon";
    }

    @Override
    public String displayName() {
        return "Time Echo";
    }

    @Override
    public int defaultPort() {
        return Target.NEON_DEFAULT_PORT;
    }

    @Override
    public TimeProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException {
        return EchoProtocol.connect(this, NeonClient.timeEchoAddress(target.host(), target.port(),
                Math.max(timeoutNanos, STATUS_TIMEOUT_MIN_NANOS)), local, timeoutNanos);
    }

    @Override
    public int defaultSamples() {
        return EchoProtocol.INSTANCE.defaultSamples();
    }

    @Override
    public int minValidSamples(int requested) {
        return EchoProtocol.INSTANCE.minValidSamples(requested);
    }

    @Override
    public int warmUpExchanges() {
        return EchoProtocol.INSTANCE.warmUpExchanges();
    }

    @Override
    public int trackingExchanges() {
        return EchoProtocol.INSTANCE.trackingExchanges();
    }

    @Override
    public OffsetEstimate estimate(Target target, List<TimeSample> samples, int dropped, String dropSummary,
                                   double maxDriftPpm) {
        return EchoProtocol.INSTANCE.estimate(target, samples, dropped, dropSummary, maxDriftPpm);
    }

    @Override
    public String statisticsLabel() {
        return EchoProtocol.INSTANCE.statisticsLabel();
    }
}
