package io.lockstep.protocol;

import io.lockstep.net.EchoProbe;
import io.lockstep.net.NeonClient;
import io.lockstep.net.NtpProbe;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.lockstep.time.TimeSource;

/**
 * Opens a {@link TimeProbe} for a {@link Target}: the one place that knows which protocol client
 * serves which scheme. {@code neon://} is resolved to its Time Echo port through the Companion
 * HTTP API first. Stateless and thread-safe.
 */
public final class Probes {

    private Probes() {
    }

    /**
     * Opens (and connects, for TCP protocols) a probe for {@code target}.
     *
     * @param local        the local clock the probe timestamps with
     * @param timeoutNanos connect and per-exchange timeout
     */
    public static TimeProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException {
        InetSocketAddress echo = switch (target.scheme()) {
            case "ntp" -> null;
            case "echo" -> new InetSocketAddress(target.host(), target.port());
            case "neon" -> NeonClient.timeEchoAddress(target.host(), target.port(), timeoutNanos);
            default -> throw new IllegalArgumentException("no client for " + target.scheme() + ":// targets");
        };
        if (echo == null) {
            return NtpProbe.open(target, local, timeoutNanos);
        }
        EchoProbe p = new EchoProbe(echo, local, timeoutNanos);
        p.connect();
        return p;
    }
}
