package io.lockstep.measure;

import java.io.IOException;
import java.util.SplittableRandom;

import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;

/**
 * A {@link TimeProbe} that answers each {@link #exchange()} with a small burst over another probe,
 * condensed into one sample that proves as much as the whole burst. Used for continuous tracking
 * over Time Echo, whose millisecond timestamps make any single exchange uncertain by 1 ms. Not
 * thread-safe, like the probe it wraps.
 *
 * <p>Each exchange bounds the offset to its causality interval
 * ({@link TimeSample#minOffsetNanos()}, {@link TimeSample#maxOffsetNanos()}); exchanges spread
 * at random phases of the remote's clock tick narrow each other's intervals. The returned sample
 * is built so that its own causality interval is exactly the intersection: centred on the local
 * midpoint of the fastest exchange, with a "round trip" equal to the intersection's width and
 * 1 ns remote resolution. A tracker consuming it therefore sees an honest, much narrower sample.
 * If the intervals do not intersect (a remote clock that stepped mid-burst), the fastest
 * exchange is returned unchanged. The few milliseconds a burst lasts make drift within it
 * negligible (20 ppm × 10 ms = 0.2 µs).
 */
public final class BurstProbe implements TimeProbe {

    private final TimeProbe inner;
    private final int exchangesPerSample;
    private final SplittableRandom random = new SplittableRandom();

    /**
     * @param inner              the probe to run bursts over (owned: closed with this one)
     * @param exchangesPerSample exchanges per burst (≥ 1)
     */
    public BurstProbe(TimeProbe inner, int exchangesPerSample) {
        if (exchangesPerSample < 1) {
            throw new IllegalArgumentException("a burst needs at least one exchange");
        }
        this.inner = inner;
        this.exchangesPerSample = exchangesPerSample;
    }

    @Override
    public TimeSample exchange() throws IOException {
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        TimeSample best = null;
        String lastDrop = null;
        long spacing = inner.burstSpacingNanos();
        for (int i = 0; i < exchangesPerSample; i++) {
            if (i > 0 && spacing > 0) {
                BurstSampler.pauseAtRandomPhase(spacing, random);
            }
            TimeSample s;
            try {
                s = inner.exchange();
            } catch (DroppedSampleException e) {
                // A failure usually means the link or the remote is down for now: waiting out a
                // timeout for every remaining exchange would stall tracking for seconds.
                lastDrop = e.getMessage();
                break;
            }
            lo = Math.max(lo, s.minOffsetNanos());
            hi = Math.min(hi, s.maxOffsetNanos());
            if (best == null || s.roundTripNanos() < best.roundTripNanos()) {
                best = s;
            }
        }
        if (best == null) {
            throw new DroppedSampleException("every exchange of a burst failed; last: " + lastDrop);
        }
        if (lo > hi) {
            return best;
        }
        long mid = best.localMidNanos();
        long halfWidth = (hi - lo + 1) / 2;
        long centre = lo + (hi - lo) / 2;
        // Chosen so that minOffset = t1 − (remote + 1) ≈ lo and maxOffset = t4 − remote ≈ hi.
        long remote = mid - centre;
        return new TimeSample(mid - halfWidth, remote, remote, mid + halfWidth, 1);
    }

    @Override
    public Protocol protocol() {
        return inner.protocol();
    }

    /** The condensed samples carry ns-resolution remote times. */
    @Override
    public long remoteResolutionNanos() {
        return 1;
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
