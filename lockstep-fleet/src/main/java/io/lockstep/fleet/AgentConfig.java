package io.lockstep.fleet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * What an {@link Agent} does: the reference it tracks, its name, where its HTTP API listens, its
 * local clock (the system clock, or a simulated one for fleets on one machine), an optional
 * offset log, optional NTP and Time Echo ports serving its own clock, whether it advertises
 * itself over DNS-SD, and the tracking interval. Immutable; start from {@link #of} and change
 * with the {@code with…} methods.
 *
 * @param reference      the reference clock tracked
 * @param name           the agent's name (shown by the monitor)
 * @param http           address and port of the HTTP API (port 0: a free port)
 * @param local          the device's own clock, which the agent corrects and serves
 * @param log            offset log appended per exchange (the input of {@code correct}), or null
 * @param ntpPort        UDP port serving the local clock over NTP on the HTTP address (0: free), or null
 * @param echoPort       TCP port serving the local clock over Time Echo (0: free), or null
 * @param advertise      advertise {@code _lockstep._tcp} over DNS-SD
 * @param intervalNanos  time between exchanges with the reference
 */
public record AgentConfig(Target reference, String name, InetSocketAddress http, TimeSource local, Path log,
                          Integer ntpPort, Integer echoPort, boolean advertise, long intervalNanos) {

    public AgentConfig {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(local, "local");
        if (name == null || name.isBlank() || name.length() > 63 || name.chars().anyMatch(c -> c < ' ')) {
            throw new IllegalArgumentException("an agent name is 1-63 printable characters, got '" + name + "'");
        }
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the interval must be positive");
        }
    }

    /** An agent named {@code name} tracking {@code reference} every second, HTTP on {@code http}, system clock. */
    public static AgentConfig of(Target reference, String name, InetSocketAddress http) {
        return new AgentConfig(reference, name, http, TimeSource.system(), null, null, null, false, 1_000_000_000L);
    }

    public AgentConfig withLocal(TimeSource clock) {
        return new AgentConfig(reference, name, http, clock, log, ntpPort, echoPort, advertise, intervalNanos);
    }

    public AgentConfig withLog(Path file) {
        return new AgentConfig(reference, name, http, local, file, ntpPort, echoPort, advertise, intervalNanos);
    }

    public AgentConfig withNtpPort(Integer port) {
        return new AgentConfig(reference, name, http, local, log, port, echoPort, advertise, intervalNanos);
    }

    public AgentConfig withEchoPort(Integer port) {
        return new AgentConfig(reference, name, http, local, log, ntpPort, port, advertise, intervalNanos);
    }

    public AgentConfig withAdvertise(boolean on) {
        return new AgentConfig(reference, name, http, local, log, ntpPort, echoPort, on, intervalNanos);
    }

    public AgentConfig withIntervalNanos(long nanos) {
        return new AgentConfig(reference, name, http, local, log, ntpPort, echoPort, advertise, nanos);
    }
}
