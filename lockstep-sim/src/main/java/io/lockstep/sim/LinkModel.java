package io.lockstep.sim;

/**
 * The statistics of a simulated network path between two hosts: a fixed base delay, an
 * asymmetry between the two directions, per-direction queueing jitter from a heavy-tailed
 * (Lomax) distribution, random loss, and bursts during which every packet is held up by a
 * 50–200 ms spike, as on a busy Wi-Fi. Immutable.
 *
 * <p>One-way delays: request {@code base + asymmetry/2 + queue}, reply
 * {@code base − asymmetry/2 + queue}. An asymmetry biases every two-way offset estimate by
 * {@code asymmetry/2}; no estimator can see that from the timestamps.
 *
 * @param baseDelayNanos      mean of the two one-way propagation delays, without queueing
 * @param asymmetryNanos      request delay minus reply delay (before queueing)
 * @param jitterMeanNanos     mean queueing delay added in each direction (0 for none)
 * @param jitterTailIndex     Lomax shape α (&gt; 1): smaller is heavier-tailed; 2–3 is typical of Wi-Fi
 * @param lossProbability     probability that a packet is lost, per direction
 * @param burstsPerHour       mean rate of spike bursts (0 for none)
 * @param burstMaxNanos       a burst lasts uniformly up to this long
 * @param spikeMinNanos       smallest extra delay of a packet inside a burst
 * @param spikeMaxNanos       largest extra delay of a packet inside a burst
 */
public record LinkModel(long baseDelayNanos, long asymmetryNanos, long jitterMeanNanos, double jitterTailIndex,
                        double lossProbability, double burstsPerHour, long burstMaxNanos, long spikeMinNanos,
                        long spikeMaxNanos) {

    public LinkModel {
        if (baseDelayNanos < 0 || Math.abs(asymmetryNanos) > 2 * baseDelayNanos) {
            throw new IllegalArgumentException("base delay must be ≥ 0 and cover half the asymmetry");
        }
        if (jitterMeanNanos < 0 || (jitterMeanNanos > 0 && !(jitterTailIndex > 1))) {
            throw new IllegalArgumentException("jitter needs a mean ≥ 0 and a tail index > 1");
        }
        if (lossProbability < 0 || lossProbability >= 1) {
            throw new IllegalArgumentException("loss probability must be in [0, 1)");
        }
        if (burstsPerHour < 0 || spikeMinNanos > spikeMaxNanos) {
            throw new IllegalArgumentException("bursts need a rate ≥ 0 and spike min ≤ max");
        }
    }

    /** A perfect link with a fixed symmetric delay. */
    public static LinkModel fixed(long oneWayDelayNanos) {
        return new LinkModel(oneWayDelayNanos, 0, 0, 2, 0, 0, 0, 0, 0);
    }

    /**
     * A link from the few numbers a command line gives: one-way delay, mean queueing jitter per
     * direction (heavy-tailed, α = 2.5), loss probability and asymmetry; no bursts.
     */
    public static LinkModel of(long delayNanos, long jitterMeanNanos, double lossProbability, long asymmetryNanos) {
        return new LinkModel(delayNanos, asymmetryNanos, jitterMeanNanos, 2.5, lossProbability, 0, 0, 0, 0);
    }

    /** A named profile: {@code lan}, {@code busy-wifi} or {@code asymmetric}. */
    public static LinkModel profile(String name) {
        return switch (name) {
            case "lan" -> wiredLan();
            case "busy-wifi", "wifi" -> busyWifi();
            case "asymmetric" -> asymmetricRoute();
            default -> throw new IllegalArgumentException("unknown link profile '" + name + "'; use lan, busy-wifi or asymmetric");
        };
    }

    /** A switched wired LAN: 100 µs each way, a few tens of µs of queueing, no loss. */
    public static LinkModel wiredLan() {
        return new LinkModel(100_000, 0, 20_000, 3.0, 0, 0, 0, 0, 0);
    }

    /**
     * A busy Wi-Fi: 1.5 ms each way, heavy-tailed queueing averaging 3 ms per direction, 2 %
     * loss, and about 30 bursts an hour of up to 5 s during which packets wait 50–200 ms.
     */
    public static LinkModel busyWifi() {
        return new LinkModel(1_500_000, 0, 3_000_000, 2.2, 0.02, 30, 5_000_000_000L, 50_000_000, 200_000_000);
    }

    /** A routed path whose request direction is 600 µs slower than the reply direction. */
    public static LinkModel asymmetricRoute() {
        return new LinkModel(2_000_000, 600_000, 100_000, 3.0, 0.001, 0, 0, 0, 0);
    }

    /** Returns a copy with a different loss probability. */
    public LinkModel withLoss(double probability) {
        return new LinkModel(baseDelayNanos, asymmetryNanos, jitterMeanNanos, jitterTailIndex, probability,
                burstsPerHour, burstMaxNanos, spikeMinNanos, spikeMaxNanos);
    }
}
