package io.lockstep.measure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;

/**
 * Runs one burst of exchanges over a {@link TimeProbe}, for every protocol: the warm-up
 * exchanges the protocol asks for are sent and discarded (the first one pays for connection
 * set-up and cold caches), then the requested number of exchanges follow at the probe's
 * spacing, counting failures by reason and telling {@link Progress} after each. A server that
 * asks us to slow down (an NTP RATE kiss) ends the burst with what it has. Stateless;
 * thread-safe as long as each probe is used by one burst at a time.
 */
public final class BurstSampler {

    /** Consecutive failed exchanges after which the burst gives up. */
    static final int MAX_CONSECUTIVE_FAILURES = 20;

    private BurstSampler() {
    }

    /**
     * @param probe    an open probe
     * @param count    exchanges to keep (after the discarded warm-up)
     * @param progress told after every exchange
     * @throws IOException when the probe fails for good, refuses outright, or
     *                     {@link #MAX_CONSECUTIVE_FAILURES} exchanges in a row fail
     */
    public static Burst run(TimeProbe probe, int count, Progress progress) throws IOException {
        return run(probe, count, probe.burstSpacingNanos(), progress);
    }

    /**
     * A burst at a spacing of the caller's choosing instead of the probe's: 0 sends each request
     * as soon as the previous reply is in, as the Pupil Labs client does.
     *
     * @param spacingNanos mean pause between exchanges (each pause uniform in {@code [0, 2·spacing)})
     * @throws IOException as {@link #run(TimeProbe, int, Progress)}
     */
    public static Burst run(TimeProbe probe, int count, long spacingNanos, Progress progress) throws IOException {
        if (spacingNanos < 0) {
            throw new IllegalArgumentException("spacing must not be negative");
        }
        return run(probe, count, spacingNanos, false, progress);
    }

    /**
     * A burst paced for a server someone else runs: each request (warm-ups included) is sent at
     * least {@code minSpacingNanos} of monotonic time after the one before, however quickly the
     * replies come, so that a rate limit counting requests per interval never fires.
     *
     * @throws IOException as {@link #run(TimeProbe, int, Progress)}
     */
    public static Burst runPaced(TimeProbe probe, int count, long minSpacingNanos, Progress progress)
            throws IOException {
        if (minSpacingNanos < 0) {
            throw new IllegalArgumentException("spacing must not be negative");
        }
        return run(probe, count, minSpacingNanos, true, progress);
    }

    private static Burst run(TimeProbe probe, int count, long spacingNanos, boolean paced, Progress progress)
            throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("need at least 1 sample, got " + count);
        }
        int warmUps = probe.protocol().warmUpExchanges();
        long lastSendMono = 0;
        for (int i = 0; i < warmUps; i++) {
            if (paced && i > 0) {
                waitUntil(lastSendMono + spacingNanos);
            }
            lastSendMono = System.nanoTime();
            warmUp(probe);
        }
        SplittableRandom random = new SplittableRandom();
        List<TimeSample> samples = new ArrayList<>(Math.min(count, 100_000));
        Map<String, Integer> reasons = new LinkedHashMap<>();
        int dropped = 0;
        int consecutive = 0;
        String stoppedEarly = null;
        for (int i = 0; i < count; i++) {
            if (spacingNanos > 0 && (i > 0 || warmUps > 0)) {
                if (paced) {
                    waitUntil(lastSendMono + spacingNanos);
                } else {
                    pauseAtRandomPhase(spacingNanos, random);
                }
            }
            lastSendMono = System.nanoTime();
            try {
                samples.add(probe.exchange());
                consecutive = 0;
            } catch (TimeProbe.DroppedSampleException e) {
                dropped++;
                consecutive++;
                reasons.merge(e.getMessage(), 1, Integer::sum);
                if (consecutive >= MAX_CONSECUTIVE_FAILURES) {
                    throw new IOException(consecutive + " exchanges in a row failed; last: " + e.getMessage());
                }
            } catch (TimeProbe.RefusedException e) {
                if (!e.slowDown() || samples.isEmpty()) {
                    throw e;
                }
                // Told to slow down mid-burst: stop asking and use what we have.
                int rest = count - i;
                dropped += rest;
                reasons.merge("told to slow down", rest, Integer::sum);
                stoppedEarly = e.getMessage();
                progress.update(count, count);
                break;
            }
            progress.update(i + 1, count);
        }
        return new Burst(samples, dropped, reasons, stoppedEarly);
    }

    /**
     * Waits uniformly in {@code [0, 2·spacing)}: exchanges then fall at random phases of the
     * remote clock's ticks, which is what lets coarse (1 ms) timestamps narrow each other.
     */
    static void pauseAtRandomPhase(long spacingNanos, SplittableRandom random) {
        LockSupport.parkNanos(random.nextLong(2 * spacingNanos));
    }

    /** Parks until the monotonic clock reaches {@code deadlineMono}; parking may end early, hence the loop. */
    private static void waitUntil(long deadlineMono) throws IOException {
        for (long left = deadlineMono - System.nanoTime(); left > 0; left = deadlineMono - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while pacing a burst");
            }
        }
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
