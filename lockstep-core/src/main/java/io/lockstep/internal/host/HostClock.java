package io.lockstep.internal.host;

import java.time.Instant;

/**
 * The operating system's wall clock, read one way everywhere: {@code CLOCK_REALTIME} on Linux
 * (the clock the kernel stamps received datagrams with), in ns since the Unix epoch. Not API.
 * Stateless and thread-safe.
 */
public final class HostClock {

    private HostClock() {
    }

    /** The host's wall clock now, ns since the Unix epoch. */
    public static long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
