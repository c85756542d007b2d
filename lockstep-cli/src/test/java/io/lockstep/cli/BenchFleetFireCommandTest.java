package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code lockstep bench fleet-fire} at a tiny size: the tables' shape and every firing accounted for (no timing). */
class BenchFleetFireCommandTest {

    private static final List<String> METHODS = List.of("Lockstep, loopback", "Lockstep, busy Wi-Fi",
            "control: 3 synced threads in one JVM, same action", "bash loop, date every 50 ms",
            "bash, sleep once then poll EPOCHREALTIME", "on receipt of one UDP datagram (loopback)",
            "on receipt of one UDP datagram (busy Wi-Fi)", "ScheduledExecutorService on unsynced device clocks");

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void threeAgentsTwoFiringsAccountForEveryAction() {
        MainTest.Result r = MainTest.run("bench", "fleet-fire", "--agents", "3", "--firings", "2", "--interval", "250ms");
        assertEquals(0, r.code(), r.err() + r.out());
        String out = r.out();
        assertTrue(out.contains("| method ") && out.contains("| spread p50 ") && out.contains("| truth within bound "), out);
        for (String method : METHODS) {
            String row = out.lines().filter(l -> l.startsWith("| " + method)).findFirst().orElse(null);
            assertTrue(row != null, "a row for " + method + ":\n" + out);
            String[] cells = row.split("\\|");
            assertEquals(14, cells.length, row);
            Matcher acted = Pattern.compile("(\\d+)/(\\d+)").matcher(cells[2].strip());
            assertTrue(acted.matches(), row);
            assertEquals(6, Integer.parseInt(acted.group(2)), "3 devices x 2 firings expected: " + row);
            int n = Integer.parseInt(acted.group(1));
            // Every firing accounted for: each device acted, or the row says why it did not.
            int notActed = 0;
            if (!cells[3].strip().equals("-")) {
                for (String part : cells[3].strip().split(", ")) {
                    Matcher why = Pattern.compile("(\\d+) (\\S.*)").matcher(part);
                    assertTrue(why.matches() && !why.group(2).equals("unaccounted"), row);
                    notActed += Integer.parseInt(why.group(1));
                }
            }
            assertEquals(6, n + notActed, "acted plus did not act: " + row);
            assertTrue(n > 0, row);
            if (method.startsWith("Lockstep")) {
                assertTrue(cells[11].strip().matches("\\d+/" + n), "Lockstep states a bound for every action: " + row);
                assertTrue(cells[12].strip().endsWith(" ms"), "and reports when it acted: " + row);
            } else {
                assertEquals("-", cells[11].strip(), "baselines state no bound: " + row);
                assertEquals("-", cells[12].strip(), "nor report when they acted: " + row);
            }
        }
        for (int device = 1; device <= 3; device++) {
            int d = device;
            assertTrue(out.lines().anyMatch(l -> l.matches("\\| " + d + " +\\|.*\\| \\d/2 +\\|.*\\| \\d/2 +\\|")),
                    "a per-device row for device " + device + ":\n" + out);
        }
        assertTrue(out.contains("goals: spread "), out);
        // The first firing of the fresh agents apart from the rest, and no hidden warm-up.
        for (String slice : List.of(": first firing (fresh agents)", ": firings 2–2")) {
            String row = out.lines().filter(l -> l.startsWith("| Lockstep, loopback" + slice)).findFirst().orElse(null);
            assertTrue(row != null && row.split("\\|")[2].strip().matches("\\d/3"), slice + ":\n" + out);
        }
        assertTrue(out.contains("0 warm-up firings") && !out.contains("| warm-up"), out);
        // Under 100 firings no p99 is printed: the spread p99 cell is empty.
        String lan = out.lines().filter(l -> l.startsWith("| Lockstep, loopback ")).findFirst().orElseThrow();
        assertEquals("-", lan.split("\\|")[5].strip(), lan);
    }

    @Test
    void tooFewAgentsIsAOneLineUsageError() {
        MainTest.Result r = MainTest.run("bench", "fleet-fire", "--agents", "0");
        assertEquals(Main.EXIT_USAGE, r.code());
        MainTest.assertOneLineError(r, "--agents must be between 1 and 200");
    }
}
