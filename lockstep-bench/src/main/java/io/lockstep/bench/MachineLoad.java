package io.lockstep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's load average, printed beside benchmark numbers because the machine they ran on
 * may be shared. Stateless and thread-safe.
 */
final class MachineLoad {

    private MachineLoad() {
    }

    /** The one-minute load average, or NaN where there is none. */
    static double oneMinute() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** "1-min 5-min 15-min" from /proc/loadavg, or "unknown" where there is none. */
    static String text() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
