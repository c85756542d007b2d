package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.HostileAgent.Flood;
import io.lockstep.fleet.HostileAgent.Honest;
import io.lockstep.fleet.HostileAgent.Trickle;
import io.lockstep.fleet.trigger.FiringWatcher;
import io.lockstep.fleet.trigger.FleetFire;
import io.lockstep.fleet.trigger.FleetKey;

/**
 * The monitor against agents that flood or trickle their answers (issue 16): every request has
 * a size limit and an overall deadline, and such an agent costs its own row and nothing else.
 * The hostile agents stop by themselves after {@link #LIFETIME_MILLIS}, longer than any bound
 * asserted here, so a monitor that never gives up fails these tests instead of hanging them.
 * Bounds are generous (a shared 2-core machine); the elapsed times are printed.
 */
class HostileAgentTest {

    private static final long MS = 1_000_000L;
    private static final long LIFETIME_MILLIS = 90_000;
    /** Far above the deadline under test, far below the hostile agents' lifetime. */
    private static final Duration GENEROUS = Duration.ofSeconds(40);
    private static final long TIMEOUT_NANOS = 1_000 * MS;

    private static final String ACCEPTED = "{\"accepted\":true,\"predicted_bound_ns\":1000}";

    @Test
    void aTricklingStatusEndsAtTheDeadline() throws Exception {
        try (HostileAgent agent = new HostileAgent(Map.of(), new Trickle(), LIFETIME_MILLIS)) {
            long start = System.nanoTime();
            AgentClient.Result r = new AgentClient(TIMEOUT_NANOS).status("127.0.0.1", agent.port())
                    .get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            System.out.println("trickled status: " + r.error() + " after " + (System.nanoTime() - start) / MS + " ms");
            assertTrue(r.status() == null && r.error().startsWith("unreachable: "), String.valueOf(r.error()));
        }
    }

    @Test
    void aScanOfATricklingAgentEnds() throws Exception {
        try (HostileAgent agent = new HostileAgent(Map.of(), new Trickle(), LIFETIME_MILLIS)) {
            List<Device> found = assertTimeoutPreemptively(GENEROUS, () ->
                    AgentScan.scan(CidrRange.parse("127.0.0.1"), agent.port(), new AgentClient(TIMEOUT_NANOS)));
            assertEquals(List.of(), found);
        }
    }

    @Test
    void fleetFireMarksFloodingAndTricklingAgentsAndFinishes() throws Exception {
        String status = HostileAgent.syncedStatus("x");
        try (HostileAgent floodAck = new HostileAgent(Map.of("/api/status", new Honest(200, status)), new Flood(),
                LIFETIME_MILLIS);
             HostileAgent trickleAck = new HostileAgent(Map.of("/api/status", new Honest(200, status)), new Trickle(),
                     LIFETIME_MILLIS);
             HostileAgent floodReport = new HostileAgent(Map.of("/api/status", new Honest(200, status),
                     "/api/triggers", new Honest(202, ACCEPTED), "/api/triggers/", new Flood()), new Flood(), LIFETIME_MILLIS);
             HostileAgent trickleReport = new HostileAgent(Map.of("/api/status", new Honest(200, status),
                     "/api/triggers", new Honest(202, ACCEPTED), "/api/triggers/", new Trickle()), new Trickle(),
                     LIFETIME_MILLIS)) {
            List<Device> devices = List.of(floodAck.device("flood-ack"), trickleAck.device("trickle-ack"),
                    floodReport.device("flood-report"), trickleReport.device("trickle-report"));
            FleetFire fire = new FleetFire(FleetKey.random(), TIMEOUT_NANOS);
            long now = assertTimeoutPreemptively(GENEROUS, () -> fire.referenceNowNanos(devices));
            long startMono = System.nanoTime();
            long lead = 500 * MS;
            FleetFire.Result r = assertTimeoutPreemptively(GENEROUS, () ->
                    fire.fire(devices, new FleetFire.Plan("blink", now + lead, 0, 1, 41_700_000L, 0), now, null));
            long afterInstantNanos = System.nanoTime() - (startMono + lead);
            System.out.println("fleet fire against 4 hostile agents: done " + afterInstantNanos / MS
                    + " ms after the instant (timeout " + TIMEOUT_NANOS / MS + " ms); " + r.problems());
            for (FleetFire.DeviceOutcome o : r.devices()) {
                assertEquals(FiringState.UNREACHABLE, o.status(), o.toString());
                assertTrue(o.reason().startsWith("unreachable: "), o.toString());
            }
            assertTrue(!r.ok());
            // What the monitor read of each flood is capped: the socket buffers hold a few MB at most.
            for (HostileAgent a : List.of(floodAck, floodReport)) {
                assertTrue(a.bodyBytesSent.get() < 64L << 20, "the monitor read " + a.bodyBytesSent.get() + " bytes");
            }
        }
    }

    @Test
    void theDashboardsWatcherIsNotStuckOnATricklingOrFloodingList() throws Exception {
        try (HostileAgent trickle = new HostileAgent(Map.of(), new Trickle(), LIFETIME_MILLIS);
             HostileAgent flood = new HostileAgent(Map.of(), new Flood(), LIFETIME_MILLIS)) {
            FiringWatcher watcher = new FiringWatcher(TIMEOUT_NANOS);
            Optional<FleetFire.Result> r = assertTimeoutPreemptively(GENEROUS, () ->
                    watcher.lastFiring(List.of(trickle.device("t"), flood.device("f")), 41_700_000L));
            assertTrue(r.isEmpty(), r.toString());
            assertTrue(flood.bodyBytesSent.get() < 64L << 20, "the watcher read " + flood.bodyBytesSent.get() + " bytes");
        }
    }

    @Test
    void escapeSequencesInAnAgentsAnswerNeverReachTheTerminal() throws Exception {
        String status = HostileAgent.syncedStatus("x");
        String refusal = "{\"error\":\"\\u001b]0;owned\\u0007\\u001b[2Jbad\\nforged line\",\"code\":\"x\\u001b[31m\"}";
        try (HostileAgent agent = new HostileAgent(Map.of("/api/status", new Honest(200, status),
                "/api/triggers", new Honest(400, refusal)), new Trickle(), LIFETIME_MILLIS)) {
            FleetFire fire = new FleetFire(FleetKey.random(), TIMEOUT_NANOS);
            long now = System.currentTimeMillis() * MS;
            FleetFire.Result r = assertTimeoutPreemptively(GENEROUS, () -> fire.fire(List.of(agent.device("a")),
                    new FleetFire.Plan("blink", now + 300 * MS, 0, 1, 41_700_000L, 0), now, null));
            FleetFire.DeviceOutcome o = r.devices().get(0);
            assertEquals(FiringState.REFUSED, o.status(), o.toString());
            assertTrue(o.reason().contains("bad") && o.reason().contains("forged line"), o.reason());
            for (String s : new String[] {o.reason(), o.refusalCode(), String.join("\n", r.problems())
                    .replace("\n", "")}) {
                assertTrue(s.codePoints().noneMatch(Character::isISOControl), s);
            }
        }
    }
}
