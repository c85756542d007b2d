package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.bench.FireBaselines;
import io.lockstep.bench.FireRun;
import io.lockstep.bench.SimulatedFleet;
import io.lockstep.clock.ClockState;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.fleet.trigger.FleetFire;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * Boots wrong, still right: a Raspberry Pi without an RTC starts with its clock at 1970 or at
 * its last shutdown, years ago. Agents whose own clocks (simulated) read 1970-01-02, five years
 * behind and three years ahead track the reference, report offsets that hold within their
 * bounds, show SYNCED with those offsets in {@code fleet status}, and fire one signed trigger
 * at the same reference instant as a device whose clock is right.
 */
class BootsWrongTest {

    private static final long DAY_NANOS = 86_400_000_000_000L;
    private static final long YEAR_NANOS = 365 * DAY_NANOS;

    @Test
    void agentsWithClocksYearsOffTrackReportAndFire(@TempDir Path dir) throws Exception {
        long sinceEpoch = TimeSource.system().wallNanos();
        List<FireBaselines.DeviceClock> clocks = List.of(
                new FireBaselines.DeviceClock(-(sinceEpoch - DAY_NANOS), 12),  // reads 1970-01-02
                new FireBaselines.DeviceClock(-5 * YEAR_NANOS - 123_456_789L, -8), // last shutdown five years ago
                new FireBaselines.DeviceClock(3 * YEAR_NANOS, 4),                 // a wrong RTC ahead
                new FireBaselines.DeviceClock(2_000_000L, 0));                    // a right one
        NtpServerConfig config = NtpServerConfig.builder(TimeSource.system()).port(0).rateLimit(NtpRateLimit.OFF).build();
        try (NtpServer reference = NtpServer.start(config);
             SimulatedFleet fleet = SimulatedFleet.start(Target.parse("ntp://127.0.0.1:" + reference.port()), clocks,
                     250_000_000L, "boot")) {
            FleetKey key = FleetKey.random();
            fleet.acceptTriggers(ActionsFile.parse("blink line cat\n", "boots-wrong actions", null), key, 2_000_000L);
            fleet.awaitSynced(120_000_000_000L);

            // Tracks and reports: each agent's own offset holds within its bound of the truth.
            for (SimulatedFleet.DeviceStatus s : fleet.status()) {
                assertEquals(ClockState.SYNCED, s.state(), s.toString());
                assertTrue(Math.abs(s.offsetNanos() - s.trueOffsetNanos()) <= s.errorBoundNanos(), s.toString());
            }

            // fleet status shows them SYNCED, years off, each within its bound of the truth.
            Path fleetFile = dir.resolve("fleet.txt");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < fleet.size(); i++) {
                lines.add(fleet.name(i) + " " + fleet.agentTarget(i));
            }
            Files.write(fleetFile, lines);
            MainTest.Result json = MainTest.run("fleet", "status", "--devices", fleetFile.toString(), "--json");
            List<SimulatedFleet.DeviceStatus> truth = fleet.status();
            for (int i = 0; i < fleet.size(); i++) {
                String row = json.out().split("\"name\":\"" + fleet.name(i) + "\"", 2)[1];
                assertTrue(row.startsWith(",\"target\""), row);
                long offset = Long.parseLong(row.replaceFirst("(?s).*?\"offset_ns\":(-?[0-9]+).*", "$1"));
                long bound = Long.parseLong(row.replaceFirst("(?s).*?\"error_bound_ns\":([0-9]+).*", "$1"));
                assertTrue(row.replaceFirst("(?s)\"error_bound_ns\".*", "").contains("\"state\":\"SYNCED\""), row);
                // The truth moves by its drift between the poll and this read: ≤ 12 ppm × a few seconds.
                assertTrue(Math.abs(offset - truth.get(i).trueOffsetNanos()) <= bound + 12_000L * 10,
                        fleet.name(i) + ": " + offset + " ± " + bound + " vs " + truth.get(i).trueOffsetNanos());
            }
            // Out of tolerance (years apart), which is the truth, and said so.
            assertEquals(Main.EXIT_FAILURE, json.code());
            assertTrue(json.out().contains("\"verdict\":\"out_of_tolerance\""), json.out());
            MainTest.Result table = MainTest.run("fleet", "status", "--devices", fleetFile.toString());
            System.out.print(table.out());
            assertTrue(table.out().contains("years behind") && table.out().contains("years ahead"), table.out());

            // Fires: one signed trigger, every device acts at the same reference instant, within its bound.
            FleetFire monitor = new FleetFire(key, 5_000_000_000L);
            FireRun run = new FireRun("boots wrong", fleet.size(), 1);
            fleet.fire(monitor, run, 0, "blink", Long.MIN_VALUE, 1_000_000_000L, 0, 1, 41_700_000L);
            assertEquals(fleet.size(), run.fired(), "every device acted: " + run.missed());
            assertEquals(run.bounded(), run.withinBound(), "every action's truth within its stated bound");
            long spread = run.spreadsNanos()[0];
            System.out.printf(Locale.ROOT, "boots wrong: devices at 1970, -5 y, +3 y and +2 ms acted within %.3f ms "
                    + "of each other (host clock)%n", spread / 1e6);
            assertTrue(spread < 41_700_000L, "true action spread " + spread + " ns");
        }
    }
}
