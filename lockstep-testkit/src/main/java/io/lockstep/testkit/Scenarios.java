package io.lockstep.testkit;

import java.util.List;

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
}
