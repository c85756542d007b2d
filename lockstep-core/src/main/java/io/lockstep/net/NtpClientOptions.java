package io.lockstep.net;

import io.lockstep.ntp.NtpRateLimit;

import java.util.Objects;

import io.lockstep.time.TimeSource;

/**
 * How an {@link NtpClient} measures: how many requests per server, how long to wait for each
 * reply, how long to pause between requests, which NTP version to speak, and which local clock
 * to stamp with. Immutable; start from {@link #defaults()} and change with the {@code with…}
 * methods.
 *
 * @param samples       requests per server in one measurement (1–10000)
 * @param timeoutNanos  how long to wait for each reply
 * @param intervalNanos pause between consecutive requests to one server
 * @param version       NTP version of the requests, 3 or 4
 * @param timeSource    the local clock (t1 and t4 are read from it)
 */
public record NtpClientOptions(int samples, long timeoutNanos, long intervalNanos, int version,
                               TimeSource timeSource) {

    /** Requests per measurement unless told otherwise. */
    public static final int DEFAULT_SAMPLES = 16;
    /** Wait per reply unless told otherwise: 1 s. */
    public static final long DEFAULT_TIMEOUT_NANOS = 1_000_000_000L;
    /** Pause between requests unless told otherwise: 2 ms, well within a default {@link NtpRateLimit}. */
    public static final long DEFAULT_INTERVAL_NANOS = 2_000_000L;

    public NtpClientOptions {
        Objects.requireNonNull(timeSource, "timeSource");
        if (samples < 1 || samples > 10_000) {
            throw new IllegalArgumentException("samples " + samples + " is out of range 1-10000");
        }
        if (timeoutNanos < 1_000_000L) {
            throw new IllegalArgumentException("NTP timeout must be at least 1ms");
        }
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("interval between requests must not be negative");
        }
        if (version < 3 || version > 4) {
            throw new IllegalArgumentException("NTP version " + version + " is not 3 or 4");
        }
    }

    /** 16 samples, 1 s timeout, 2 ms apart, NTPv4, the system clock. */
    public static NtpClientOptions defaults() {
        return new NtpClientOptions(DEFAULT_SAMPLES, DEFAULT_TIMEOUT_NANOS, DEFAULT_INTERVAL_NANOS, 4,
                TimeSource.system());
    }

    public NtpClientOptions withSamples(int n) {
        return new NtpClientOptions(n, timeoutNanos, intervalNanos, version, timeSource);
    }

    public NtpClientOptions withTimeoutNanos(long nanos) {
        return new NtpClientOptions(samples, nanos, intervalNanos, version, timeSource);
    }

    public NtpClientOptions withIntervalNanos(long nanos) {
        return new NtpClientOptions(samples, timeoutNanos, nanos, version, timeSource);
    }

    public NtpClientOptions withVersion(int v) {
        return new NtpClientOptions(samples, timeoutNanos, intervalNanos, v, timeSource);
    }

    public NtpClientOptions withTimeSource(TimeSource source) {
        return new NtpClientOptions(samples, timeoutNanos, intervalNanos, version, source);
    }
}
