package io.lockstep.bench;

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
import io.lockstep.bench.HostileAgent.Flood;
import io.lockstep.bench.HostileAgent.Honest;
import io.lockstep.bench.HostileAgent.Reply;
import io.lockstep.bench.HostileAgent.Trickle;
import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.AgentScan;
import io.lockstep.fleet.CidrRange;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.trigger.FiringWatcher;
import io.lockstep.fleet.trigger.FleetFire;
import io.lockstep.fleet.trigger.FleetKey;

/**
 * The monitor against agents that flood or trickle their answers (issue 16): every request has
 * a size limit and an overall deadline, and such an agent costs its own row and nothing else.
 * The {@link HostileAgent} is the attack bench's own (issue 17: one hostile agent, so the tests
 * live here, beside it). Trickles end by themselves after {@link #LIFETIME_MILLIS} and floods
 * after {@link #FLOOD_BYTES}, more than any bound asserted here, so a monitor that never gives
 * up fails these tests instead of hanging them. Bounds are generous (a shared 2-core machine);
 * the elapsed times are printed.
 */
class HostileAgentTest {

    private static final long MS = 1_000_000L;
    private static final long LIFETIME_MILLIS = 90_000;
    /** Far above the deadline under test, far below the hostile agents' lifetime. */
    private static final Duration GENEROUS = Duration.ofSeconds(40);
    private static final long TIMEOUT_NANOS = 1_000 * MS;

    private static final String ACCEPTED = "{\"accepted\":true,\"predicted_bound_ns\":1000}";
    private static final long FLOOD_BYTES = 200L << 20;

    private static Reply flood() {
        return new Flood(FLOOD_BYTES);
    }

    private static Reply trickle() {
        return new Trickle(LIFETIME_MILLIS * MS);
    }

    private static HostileAgent agent(Map<String, Reply> byPath, Reply otherwise) throws java.io.IOException {
        return new HostileAgent(HostileAgent.byPath(byPath, otherwise));
    }

    @Test
    void aTricklingStatusEndsAtTheDeadline() throws Exception {
        try (HostileAgent agent = agent(Map.of(), trickle())) {
            long start = System.nanoTime();
            AgentClient.Result r = new AgentClient(TIMEOUT_NANOS).status("127.0.0.1", agent.address().getPort())
                    .get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            System.out.println("trickled status: " + r.error() + " after " + (System.nanoTime() - start) / MS + " ms");
            assertTrue(r.status() == null && r.error().startsWith("unreachable: "), String.valueOf(r.error()));
        }
    }

    @Test
    void aScanOfATricklingAgentEnds() throws Exception {
        try (HostileAgent agent = agent(Map.of(), trickle())) {
            List<Device> found = assertTimeoutPreemptively(GENEROUS, () ->
                    AgentScan.scan(CidrRange.parse("127.0.0.1"), agent.address().getPort(), new AgentClient(TIMEOUT_NANOS)));
            assertEquals(List.of(), found);
        }
    }

    @Test
    void fleetFireMarksFloodingAndTricklingAgentsAndFinishes() throws Exception {
        String status = HostileAgent.syncedStatus("x");
        try (HostileAgent floodAck = agent(Map.of("/api/status", new Honest(200, status)), flood());
             HostileAgent trickleAck = agent(Map.of("/api/status", new Honest(200, status)), trickle());
             HostileAgent floodReport = agent(Map.of("/api/status", new Honest(200, status),
                     "/api/triggers", new Honest(202, ACCEPTED), "/api/triggers/", flood()), flood());
             HostileAgent trickleReport = agent(Map.of("/api/status", new Honest(200, status),
                     "/api/triggers", new Honest(202, ACCEPTED), "/api/triggers/", trickle()), trickle())) {
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
                assertTrue(a.bytesSent() < 64L << 20, "the monitor read " + a.bytesSent() + " bytes");
            }
        }
    }

    @Test
    void theDashboardsWatcherIsNotStuckOnATricklingOrFloodingList() throws Exception {
        try (HostileAgent trickle = agent(Map.of(), trickle());
             HostileAgent flood = agent(Map.of(), flood())) {
            FiringWatcher watcher = new FiringWatcher(TIMEOUT_NANOS);
            Optional<FleetFire.Result> r = assertTimeoutPreemptively(GENEROUS, () ->
                    watcher.lastFiring(List.of(trickle.device("t"), flood.device("f")), 41_700_000L));
            assertTrue(r.isEmpty(), r.toString());
            assertTrue(flood.bytesSent() < 64L << 20, "the watcher read " + flood.bytesSent() + " bytes");
        }
    }

    @Test
    void escapeSequencesInAnAgentsAnswerNeverReachTheTerminal() throws Exception {
        String status = HostileAgent.syncedStatus("x");
        String refusal = "{\"error\":\"\\u001b]0;owned\\u0007\\u001b[2Jbad\\nforged line\",\"code\":\"x\\u001b[31m\"}";
        try (HostileAgent agent = agent(Map.of("/api/status", new Honest(200, status),
                "/api/triggers", new Honest(400, refusal)), trickle())) {
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
