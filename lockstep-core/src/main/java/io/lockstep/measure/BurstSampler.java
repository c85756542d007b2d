package io.lockstep.measure;

import io.lockstep.protocol.TimeProbe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.estimate.TimeSample;

/**
 * Runs a burst of exchanges over a {@link TimeProbe} the way the Pupil Labs client does: one
 * warm-up exchange discarded (it pays for connection set-up and cold caches), then the requested
 * number of exchanges, counting the dropped ones, spaced as the probe asks
 * ({@link TimeProbe#burstSpacingNanos()}). Not thread-safe; one burst at a time.
 */
public final class BurstSampler {

    /** Consecutive failed exchanges after which the burst gives up. */
    static final int MAX_CONSECUTIVE_FAILURES = 20;

    /** The outcome of a burst: the valid samples and the number dropped. */
    public record Burst(List<TimeSample> samples, int dropped, String lastDropReason) {
    }

    private BurstSampler() {
    }

    /**
     * @param probe    an open probe
     * @param count    exchanges to keep (after the discarded warm-up)
     * @param progress told after every exchange
     * @throws IOException when the probe fails for good, or {@link #MAX_CONSECUTIVE_FAILURES}
     *                     exchanges in a row fail
     */
    public static Burst run(TimeProbe probe, int count, Progress progress) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("need at least 1 sample, got " + count);
        }
        warmUp(probe);
        long spacingNanos = probe.burstSpacingNanos();
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        List<TimeSample> samples = new ArrayList<>(count);
        int dropped = 0;
        int consecutive = 0;
        String lastReason = null;
        for (int i = 0; i < count; i++) {
            if (spacingNanos > 0) {
                pauseAtRandomPhase(spacingNanos, random);
            }
            try {
                samples.add(probe.exchange());
                consecutive = 0;
            } catch (TimeProbe.DroppedSampleException e) {
                dropped++;
                consecutive++;
                lastReason = e.getMessage();
                if (consecutive >= MAX_CONSECUTIVE_FAILURES) {
                    throw new IOException(consecutive + " exchanges in a row failed; last: " + lastReason);
                }
            }
            progress.update(i + 1, count);
        }
        return new Burst(samples, dropped, lastReason);
    }

    /**
     * Waits uniformly in {@code [0, 2·spacing)}: exchanges then fall at random phases of the
     * remote clock's ticks, which is what lets coarse (1 ms) timestamps narrow each other.
     */
    static void pauseAtRandomPhase(long spacingNanos, java.util.SplittableRandom random) {
        java.util.concurrent.locks.LockSupport.parkNanos(random.nextLong(2 * spacingNanos));
    }

    private static void warmUp(TimeProbe probe) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                probe.exchange();
                return;
            } catch (TimeProbe.DroppedSampleException e) {
                if (attempt >= 2) {
                    throw new IOException(e.getMessage() + " (3 tries)");
                }
            }
        }
    }
}
