package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.schedule.SchedulerOptions;

/**
 * {@code fleet fire}'s library on ten real agents in this JVM, each with its own simulated clock
 * (offsets up to ±2 s, drifts up to ±20 ppm) tracking one loopback NTP reference that itself
 * reads 3 s ahead of this host: every agent fires every time, and the true spread, from this
 * host's own clock at each firing, is small. The bound asserted is generous (the machine is
 * shared by parallel builds); {@code bench fleet-fire} reports the real numbers.
 */
class FleetFireTest {

    private static final long MS = 1_000_000L;
    private static final long REFERENCE_AHEAD_NANOS = 3_000 * MS;

    @TempDir
    Path dir;

    @Test
    void tenSimulatedAgentsFireTogether() throws Exception {
        FleetKey key = FleetKey.random();
        Random random = new Random(9);
        try (TriggerRig rig = new TriggerRig(REFERENCE_AHEAD_NANOS)) {
            rig.schedulerOptions = SchedulerOptions.defaults().withSpinNanos(50_000);
            rig.intervalNanos = 500 * MS;
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long offset = (long) ((random.nextDouble() * 2 - 1) * 2_000 * MS);
                double drift = (random.nextDouble() * 2 - 1) * 20;
                ActionsFile actions = ActionsFile.parse("blink write blink-" + i + ".value on\n", "actions-" + i, dir);
                TriggerRig.Member m = rig.agent("headset-" + i, offset, drift, actions, key);
                devices.add(Device.parse("headset-" + i, "agent://127.0.0.1:" + m.agent().httpAddress().getPort()));
            }
            devices.add(Device.parse("router", "ntp://127.0.0.1:" + rig.reference.localAddress().getPort()));
            rig.awaitSynced();

            FleetFire fire = new FleetFire(key, 5_000 * MS);
            long now = fire.referenceNowNanos(devices);
            // The monitor's idea of the reference is good to half a round trip (long on a loaded machine).
            long truth = System.currentTimeMillis() * MS + REFERENCE_AHEAD_NANOS;
            assertTrue(Math.abs(now - truth) < 1_000 * MS, "reference now " + now + ", truth " + truth);
            // Lateness is CPU starvation of ten schedulers in one JVM on a shared 2-core machine (tens of ms
            // under load); the clocks' agreement is what this checks, so the tolerance is wide.
            long tolerance = 200 * MS;
            FleetFire.Plan plan = new FleetFire.Plan("blink", now + 5_000 * MS, 300 * MS, 3, tolerance,
                    FleetFire.Plan.boundLimitFor(tolerance));
            List<String> progress = new ArrayList<>();
            long startMono = System.nanoTime();
            FleetFire.Result result = fire.fire(devices, plan, now, progress::add);
            long lastInstantMono = startMono + (plan.atNanos() + 2 * plan.everyNanos() - now);
            System.out.println("fleet fire, 10 agents: " + result.spreads() + "; returned "
                    + (System.nanoTime() - lastInstantMono) / 1_000 + " us after the last instant");

            assertTrue(result.ok(), result.problems().toString());
            assertEquals(10, progress.size(), progress.toString());
            assertEquals(11, result.devices().size());
            assertEquals(FiringState.SKIPPED, result.devices().get(10).status());
            assertEquals(3, result.spreads().size());
            for (FleetFire.Spread s : result.spreads()) {
                assertEquals(10, s.devices());
                // The truth: this host's clock when each agent's action ran. Fire states that the spread
                // is within the tolerance (below) and the true spread within the spread plus its bound.
                assertTrue(s.hostSpreadNanos() <= tolerance + s.spreadBoundNanos(), "true spread " + s);
                assertTrue(s.spreadNanos() <= tolerance, s.toString());
            }
            for (int i = 0; i < 10; i++) {
                FleetFire.DeviceOutcome o = result.devices().get(i);
                assertEquals(FiringState.FIRED, o.status(), o.toString());
                assertEquals(3, o.firings().size());
                for (FiringReport f : o.firings()) {
                    assertNotNull(f.hostWallNanos());
                    long trueReference = f.hostWallNanos() + REFERENCE_AHEAD_NANOS;
                    assertTrue(Math.abs(trueReference - f.referenceNanos()) < 100 * MS,
                            o.name() + " fired " + (trueReference - f.referenceNanos()) + " ns off the instant (truth)");
                }
                assertEquals("on", Files.readString(dir.resolve("blink-" + i + ".value")));
            }
            Long spread = result.spreadNanos();
            assertNotNull(spread);
            assertTrue(result.toJson().get("within_tolerance").equals(Boolean.TRUE));
        }
    }

    @Test
    void aRefusingAgentFailsTheFiring() throws Exception {
        FleetKey key = FleetKey.random();
        try (TriggerRig rig = new TriggerRig(0)) {
            ActionsFile actions = ActionsFile.parse("blink write blink.value on\n", "actions", dir);
            TriggerRig.Member good = rig.agent("good", 5 * MS, 0, actions, key);
            TriggerRig.Member other = rig.agent("other-key", -5 * MS, 0, actions, FleetKey.random());
            List<Device> devices = List.of(
                    Device.parse("good", "agent://127.0.0.1:" + good.agent().httpAddress().getPort()),
                    Device.parse("other-key", "agent://127.0.0.1:" + other.agent().httpAddress().getPort()),
                    Device.parse("gone", "agent://127.0.0.1:1"));
            rig.awaitSynced();
            FleetFire fire = new FleetFire(key, 5_000 * MS);
            long now = fire.referenceNowNanos(devices);
            FleetFire.Result r = fire.fire(devices, new FleetFire.Plan("blink", now + 3_000 * MS, 0, 1, 41_700_000L, 0),
                    now, null);
            assertEquals(FiringState.FIRED, r.devices().get(0).status(), r.devices().get(0).toString());
            assertEquals(FiringState.REFUSED, r.devices().get(1).status());
            assertEquals("bad-signature", r.devices().get(1).refusalCode());
            assertEquals(FiringState.UNREACHABLE, r.devices().get(2).status());
            assertEquals(2, r.problems().size(), r.problems().toString());
            assertTrue(r.problems().get(0).startsWith("other-key refused: bad-signature: "), r.problems().toString());

            // A dashboard on another machine reads the same firing back from the agents.
            FleetFire.Result seen = new FiringWatcher(5_000 * MS).lastFiring(devices, 41_700_000L).orElseThrow();
            assertEquals(r.trigger().id(), seen.trigger().id());
            assertEquals(FiringState.FIRED, seen.devices().get(0).status());
            assertEquals(r.devices().get(0).firings(), seen.devices().get(0).firings());
            assertEquals(FiringState.REFUSED, seen.devices().get(1).status());
            assertTrue(seen.devices().get(1).reason().startsWith("no record of trigger " + r.trigger().id()));
            assertEquals(FiringState.UNREACHABLE, seen.devices().get(2).status());
        }
    }
}
