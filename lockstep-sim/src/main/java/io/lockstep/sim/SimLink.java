package io.lockstep.sim;

import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Draws one-way packet delays from a {@link LinkModel}, seeded and deterministic. Bursts come
 * from their own random stream as a sequence of intervals in time, so whether a packet falls
 * into a burst depends only on when it is sent; per-packet jitter and loss come from a second
 * stream consumed once per packet. Not thread-safe; guard it externally (the impairment proxy
 * does).
 */
public final class SimLink {

    private static final double NANOS_PER_HOUR = 3600e9;

    private final LinkModel model;
    private final SplittableRandom packetRandom;
    private final SplittableRandom burstRandom;
    private long burstStartNanos = Long.MIN_VALUE;
    private long burstEndNanos = Long.MIN_VALUE;
    private long nextBurstSearchNanos;
    private boolean burstsStarted;

    /**
     * @param model the path statistics
     * @param seed  seed for both random streams
     */
    public SimLink(LinkModel model, long seed) {
        this.model = model;
        SplittableRandom root = new SplittableRandom(seed);
        this.packetRandom = root.split();
        this.burstRandom = root.split();
    }

    /** The path statistics. */
    public LinkModel model() {
        return model;
    }

    /**
     * The delay of one packet sent at {@code sendNanos} (any monotonic time base that only
     * grows between calls), or empty when the packet is lost.
     *
     * @param request true for the request direction, false for the reply direction
     */
    public OptionalLong delayNanos(boolean request, long sendNanos) {
        // Draw everything every time so that loss does not shift the random stream.
        double lossDraw = packetRandom.nextDouble();
        double queue = queueNanos();
        boolean inBurst = inBurst(sendNanos);
        double spikeDraw = packetRandom.nextDouble();
        if (lossDraw < model.lossProbability()) {
            return OptionalLong.empty();
        }
        long half = model.asymmetryNanos() / 2;
        long delay = model.baseDelayNanos() + (request ? half : -half) + Math.round(queue);
        if (inBurst) {
            delay += model.spikeMinNanos() + Math.round(spikeDraw * (model.spikeMaxNanos() - model.spikeMinNanos()));
        }
        return OptionalLong.of(Math.max(0, delay));
    }

    /** True when {@code nanos} falls inside a spike burst. */
    public boolean inBurst(long nanos) {
        if (model.burstsPerHour() <= 0) {
            return false;
        }
        if (!burstsStarted) {
            burstsStarted = true;
            nextBurstSearchNanos = nanos;
            drawNextBurst();
        }
        while (nanos >= burstEndNanos) {
            drawNextBurst();
        }
        return nanos >= burstStartNanos;
    }

    private void drawNextBurst() {
        double meanGapNanos = NANOS_PER_HOUR / model.burstsPerHour();
        long gap = Math.round(-Math.log(1 - burstRandom.nextDouble()) * meanGapNanos);
        burstStartNanos = nextBurstSearchNanos + gap;
        burstEndNanos = burstStartNanos + 1 + Math.round(burstRandom.nextDouble() * model.burstMaxNanos());
        nextBurstSearchNanos = burstEndNanos;
    }

    private double queueNanos() {
        double u = packetRandom.nextDouble();
        if (model.jitterMeanNanos() == 0) {
            return 0;
        }
        // Lomax (Pareto type II) with mean λ/(α−1): most packets wait little, a few wait long.
        double alpha = model.jitterTailIndex();
        double lambda = model.jitterMeanNanos() * (alpha - 1);
        return lambda * (Math.pow(1 - u, -1 / alpha) - 1);
    }
}
