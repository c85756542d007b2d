package io.lockstep.track;

import java.util.Objects;

import io.lockstep.protocol.Protocol;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;

/**
 * How a {@link Tracker} follows its reference: the sampling interval, the per-exchange timeout,
 * how many exchanges are condensed into one sample, the local clock, and the first segment
 * number (to continue an offset log after a restart). Immutable; start from {@link #defaults()}
 * and change with the {@code with…} methods. Zero for the timeout or the burst means "the
 * protocol's default".
 *
 * @param intervalNanos      time between samples
 * @param timeoutNanos       per-exchange timeout; 0: the interval, at least 100 ms and at most 1 s
 * @param exchangesPerSample exchanges condensed into one sample; 0: the protocol's
 *                           {@link Protocol#trackingExchanges()}
 * @param local              the local clock that is stamped with and corrected
 * @param segmentBase        first segment number reported
 */
public record TrackingOptions(long intervalNanos, long timeoutNanos, int exchangesPerSample, TimeSource local,
                              int segmentBase) {

    /** Sampling interval unless told otherwise: 1 s. */
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;
    /** Most exchanges one sample may condense. */
    public static final int MAX_EXCHANGES_PER_SAMPLE = 1000;

    public TrackingOptions {
        Objects.requireNonNull(local, "local");
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the interval must be positive, e.g. 1s");
        }
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("the timeout must be positive, e.g. 500ms");
        }
        if (exchangesPerSample < 0 || exchangesPerSample > MAX_EXCHANGES_PER_SAMPLE) {
            throw new IllegalArgumentException("exchanges per sample must be between 1 and " + MAX_EXCHANGES_PER_SAMPLE);
        }
        if (segmentBase < 0) {
            throw new IllegalArgumentException("segment numbers start at 0");
        }
    }

    /** 1 s interval, automatic timeout and burst, the system clock, segments from 0. */
    public static TrackingOptions defaults() {
        return new TrackingOptions(DEFAULT_INTERVAL_NANOS, 0, 0, TimeSource.system(), 0);
    }

    public TrackingOptions withIntervalNanos(long nanos) {
        return new TrackingOptions(nanos, timeoutNanos, exchangesPerSample, local, segmentBase);
    }

    public TrackingOptions withTimeoutNanos(long nanos) {
        return new TrackingOptions(intervalNanos, nanos, exchangesPerSample, local, segmentBase);
    }

    public TrackingOptions withExchangesPerSample(int exchanges) {
        return new TrackingOptions(intervalNanos, timeoutNanos, exchanges, local, segmentBase);
    }

    public TrackingOptions withLocal(TimeSource source) {
        return new TrackingOptions(intervalNanos, timeoutNanos, exchangesPerSample, source, segmentBase);
    }

    public TrackingOptions withSegmentBase(int base) {
        return new TrackingOptions(intervalNanos, timeoutNanos, exchangesPerSample, local, base);
    }

    /** The per-exchange timeout in effect. */
    public long effectiveTimeoutNanos() {
        return timeoutNanos > 0 ? timeoutNanos : Math.max(100_000_000L, Math.min(intervalNanos, 1_000_000_000L));
    }

    /** The exchanges per sample in effect for {@code protocol}. */
    public int effectiveExchangesPerSample(Protocol protocol) {
        return exchangesPerSample > 0 ? exchangesPerSample : protocol.trackingExchanges();
    }

    /**
     * Checks these options against what {@code protocol} allows.
     *
     * @throws IllegalArgumentException with a one-line message, e.g. for an interval shorter than
     *         the protocol's {@link Protocol#minTrackingIntervalNanos() minimum}
     */
    public void checkFor(Protocol protocol) {
        long min = protocol.minTrackingIntervalNanos();
        if (intervalNanos < min) {
            throw new IllegalArgumentException("the interval " + Durations.format(intervalNanos) + " is shorter than "
                    + protocol.scheme() + ":// allows; use at least " + Durations.formatCompact(min));
        }
    }
}
