package io.lockstep.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The standard tracking scenarios of {@code lockstep bench tracking}, each an hour of 1 Hz
 * exchanges: a wired LAN, a busy Wi-Fi, an asymmetric route, a Raspberry Pi's RTC at 20 ppm,
 * an Android phone at 21 ppm speaking Time Echo (1 ms stamps) over Wi-Fi, a 1 s step, and a
 * 10-minute outage. Stateless and thread-safe.
 */
public final class Scenarios {

    private static final long S = 1_000_000_000L;

    private Scenarios() {
    }

    /** All standard scenarios, seeded from {@code seed}. */
    public static List<Scenario> tracking(long seed) {
        return List.of(
                Scenario.of("wired LAN", LinkModel.wiredLan(), 7, seed + 1),
                Scenario.of("busy Wi-Fi", LinkModel.busyWifi(), 15, seed + 2),
                Scenario.of("asymmetric route", LinkModel.asymmetricRoute(), 5, seed + 3),
                // A Pi's RTC crystal warms and cools with the room: more frequency wander.
                Scenario.of("RPi RTC 20 ppm", new LinkModel(800_000, 0, 400_000, 2.5, 0.005, 0, 0, 0, 0), 20,
                        seed + 4).withWander(0.001),
                Scenario.of("Android 21 ppm echo", LinkModel.busyWifi(), 21, seed + 5).withResolution(1_000_000),
                Scenario.of("1 s step", LinkModel.wiredLan(), 10, seed + 6).withStep(1800 * S, S),
                Scenario.of("10 min outage", LinkModel.wiredLan(), 12, seed + 7).withOutage(1800 * S, 600 * S));
    }

    /** Names of the {@link #calibration(long)} scenarios, in order. */
    public static final List<String> CALIBRATION_NAMES = List.of("wired LAN", "busy Wi-Fi", "asymmetric route",
            "drift ramp", "drift sign flip", "1 s step", "10 min gap");

    /**
     * The scenarios of {@code lockstep bench calibration}, one per name in
     * {@link #CALIBRATION_NAMES}, for one seed: each starts a fresh tracker, and the seed draws the
     * remote's offset (±2 s) and drift (±25 ppm) as well as the link's delays. They are short
     * (three minutes) except where a later age is the point: the wired LAN and the drift ramp run
     * twelve minutes, so that their bounds are judged past ten minutes of age too, and the gap
     * lasts ten minutes from the first minute on and is followed by two more.
     */
    public static List<Scenario> calibration(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 7919 + 17);
        long ahead = r.nextLong(-2 * S, 2 * S);
        double drift = r.nextDouble(-25, 25);
        long base = seed * 16;
        return List.of(
                draw("wired LAN", LinkModel.wiredLan(), ahead, drift, base + 1, 720),
                draw("busy Wi-Fi", LinkModel.busyWifi(), ahead, drift, base + 2, 180),
                draw("asymmetric route", LinkModel.asymmetricRoute(), ahead, drift, base + 3, 180),
                // A crystal warming up: 0.01 ppm/s is 6 ppm in ten minutes.
                draw("drift ramp", LinkModel.wiredLan(), ahead, drift, base + 4, 720)
                        .withDriftRamp(drift >= 0 ? -0.01 : 0.01),
                // The scheduler review's case: +20 ppm, then −15 ppm.
                draw("drift sign flip", LinkModel.wiredLan(), ahead, 20, base + 5, 180).withDriftChange(60 * S, -15),
                draw("1 s step", LinkModel.wiredLan(), ahead, drift, base + 6, 180).withStep(60 * S, S),
                draw("10 min gap", LinkModel.wiredLan(), ahead, drift, base + 7, 780).withOutage(60 * S, 600 * S));
    }

    private static Scenario draw(String name, LinkModel link, long ahead, double drift, long seed, long seconds) {
        return new Scenario(name, link, ahead, drift, 0.0002, 1, -1, 0, -1, 0, seconds * S, S, seed);
    }
}
