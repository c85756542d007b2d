package io.lockstep.track;

import java.io.IOException;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.SyncedClock;
import io.lockstep.clock.TrackRecord;
import io.lockstep.internal.estimate.OffsetTracker;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;

/**
 * Drives continuous tracking: each call to {@link #sampleOnce()} performs one exchange through a
 * {@link TimeProbe}, feeds the {@link OffsetTracker}, publishes the new model to the
 * {@link SyncedClock}, and returns the {@link TrackRecord} to print and log. Pacing is the
 * caller's (the CLI sleeps between calls; simulations advance virtual time), so this class is
 * pure logic around one blocking exchange. Not thread-safe: one thread samples, any thread
 * reads the clock.
 */
public final class ClockTracker {

    /** The clock enters holdover after this many sampling intervals without an answer. */
    public static final int HOLDOVER_INTERVALS = 3;

    private final TimeProbe probe;
    private final TimeSource local;
    private final OffsetTracker estimator = new OffsetTracker();
    private final SyncedClock.Feed feed;
    private final SyncedClock clock;
    private final int segmentBase;
    private volatile long intervalNanos;
    private boolean backingOff;
    private volatile long samples;
    private volatile long dropped;
    private volatile String lastFailure;

    /**
     * @param probe          the open channel to the reference clock
     * @param local          the local clock (the one the probe stamps t1 and t4 with)
     * @param intervalNanos  the sampling interval the caller will keep
     * @param segmentBase    first segment number to report (continue a log after a restart)
     */
    public ClockTracker(TimeProbe probe, TimeSource local, long intervalNanos, int segmentBase) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.probe = probe;
        this.local = local;
        this.segmentBase = segmentBase;
        this.intervalNanos = intervalNanos;
        this.feed = SyncedClock.create(local, HOLDOVER_INTERVALS * intervalNanos);
        this.clock = feed.clock();
    }

    /** The clock this tracker keeps up to date. */
    public SyncedClock clock() {
        return clock;
    }

    /** Longest interval backing off may reach: 1024 s, NTP's usual largest poll interval. */
    public static final long MAX_INTERVAL_NANOS = 1024_000_000_000L;

    /**
     * The sampling interval in effect: the one given, or longer after the reference asked us to
     * slow down. The caller paces by it.
     */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** Exchanges that produced a sample so far. */
    public long samples() {
        return samples;
    }

    /** Why the latest exchange failed, or null when it succeeded. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Exchanges that failed and were counted as dropped. */
    public long dropped() {
        return dropped;
    }

    /**
     * Performs one exchange and updates the clock.
     *
     * <p>Once the remote has answered at least once, any failure, even a refused connection or an
     * unreachable port, is an outage: a DROPPED record, the clock drifts into HOLDOVER, and the next
     * call tries again (the probes reconnect by themselves). Before the first answer a broken
     * channel is more likely a wrong address, so it is reported at once.
     *
     * @throws IOException when the channel fails before the remote ever answered
     */
    public TrackRecord sampleOnce() throws IOException {
        long attemptLocal = local.wallNanos();
        TimeSample sample;
        try {
            sample = probe.exchange();
        } catch (IOException e) {
            boolean slowDown = e instanceof TimeProbe.RefusedException refused && refused.slowDown();
            if (samples == 0 && !(e instanceof TimeProbe.DroppedSampleException) && !slowDown) {
                throw e;
            }
            dropped++;
            if (slowDown || backingOff) {
                // RFC 5905 asks a client told RATE to poll less often. A rate-limited server then
                // stays silent until the client's rate is low enough, so every unanswered request
                // after the kiss doubles the interval again, until an answer comes.
                backingOff = true;
                intervalNanos = Math.min(MAX_INTERVAL_NANOS, 2 * intervalNanos);
                feed.holdoverAfterNanos(HOLDOVER_INTERVALS * intervalNanos);
                lastFailure = (slowDown ? "server asked to slow down (RATE)" : e.getMessage() + ", still backing off")
                        + ": interval now " + Durations.formatCompact(intervalNanos);
            } else {
                lastFailure = e.getMessage();
            }
            return record(attemptLocal, -1, 0, SampleVerdict.DROPPED, probe.remoteResolutionNanos());
        }
        backingOff = false;
        lastFailure = null;
        samples++;
        long localMid = sample.localMidNanos();
        SampleVerdict verdict = estimator.add(sample);
        ClockModel m = estimator.model();
        if (m != null) {
            // The model is about the local time source; how far that may be from the host's wall
            // clock belongs in every bound published, as in one-shot estimates.
            feed.publish(m.withExtraBoundNanos(local.wallUncertaintyNanos()), localMid);
        } else {
            feed.contact(localMid);
        }
        return record(localMid, Math.max(0, sample.roundTripNanos()), sample.offsetNanos(),
                verdict, sample.remoteResolutionNanos());
    }

    private TrackRecord record(long localNanos, long rtt, long rawOffset, SampleVerdict verdict, long resolution) {
        ClockReading r = clock.view().readingAt(localNanos);
        int segment = segmentBase + estimator.segment();
        if (r.state() == ClockState.UNSYNCED) {
            return new TrackRecord(localNanos, 0, rtt, rawOffset, 0, -1, Double.NaN, r.state(), verdict, segment,
                    resolution);
        }
        return new TrackRecord(localNanos, r.referenceNanos(), rtt, rawOffset, r.offsetNanos(), r.errorBoundNanos(),
                r.driftPpm(), r.state(), verdict, segment, resolution);
    }
}
