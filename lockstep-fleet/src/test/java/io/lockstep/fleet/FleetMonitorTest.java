package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.sun.net.httpserver.HttpServer;

import io.lockstep.clock.ClockState;
import io.lockstep.net.EchoServer;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The monitor over ten real agents on 127.0.0.2-11 (one port, each its own simulated clock and
 * tracker, one loopback NTP reference), found by scanning 127.0.0.0/28; plus agentless devices
 * and agents that fail in every way the monitor must survive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetMonitorTest {

    static final long[] OFFSETS = {0, 2_000_000, -3_000_000, 20_000_000, -1_500_000_000L, 2_000_000_000L, 7_000_000,
            -40_000_000, 100_000, 2_500_000};
    static final double[] DRIFTS = {0, 5, -5, 20, -20, 10, -10, 1, -1, 15};
    /** Rounding and the few µs between a clock read and the poll's edges. */
    static final long SLACK_NANOS = 2_000;

    static LoopbackFleet fleet;
    static FleetMonitor monitor;

    @BeforeAll
    static void start() throws Exception {
        fleet = new LoopbackFleet(OFFSETS, DRIFTS);
        CidrRange range = CidrRange.parse("127.0.0.0/28");
        monitor = FleetMonitor.open(FleetMonitor.Config.of(
                () -> AgentScan.scan(range, fleet.port, new AgentClient(3_000_000_000L)), null));
    }

    @AfterAll
    static void stop() throws Exception {
        monitor.close();
        fleet.close();
    }

    /**
     * The row's offset lies within its bound of the truth at some instant of the poll that made
     * it: the truth moved linearly from {@code truthBefore} to {@code truthAfter} meanwhile.
     */
    static void assertWithinBoundOfTruth(DeviceRow r, long truthBefore, long truthAfter) {
        long low = Math.min(truthBefore, truthAfter) - r.errorBoundNanos() - SLACK_NANOS;
        long high = Math.max(truthBefore, truthAfter) + r.errorBoundNanos() + SLACK_NANOS;
        assertTrue(r.offsetNanos() >= low && r.offsetNanos() <= high, r.name() + ": offset " + r.offsetNanos()
                + " truth " + truthBefore + " .. " + truthAfter + " during the poll, bound " + r.errorBoundNanos());
    }

    /** Polls until every row is synced (the agents' trackers need a few samples for the drift). */
    static FleetSnapshot awaitAllSynced(FleetMonitor m) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        FleetSnapshot s;
        do {
            s = m.pollOnce();
            if (s.problems().isEmpty()) {
                return s;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not all synced:\n" + JsonText.write(s.toJson()));
    }

    @Test
    @Order(1)
    void scanFindsTheTenAgentsAndEachLiesWithinItsBoundOfTheTruth() throws Exception {
        List<Device> found = monitor.devices();
        assertEquals(10, found.size(), found.toString());
        for (int i = 0; i < 10; i++) {
            assertEquals(String.format("headset-%02d", i + 1), found.get(i).name());
            assertEquals("127.0.0." + (2 + i), found.get(i).host());
            assertEquals(Device.Kind.AGENT, found.get(i).kind());
        }
        // Judged right after SYNCED, on purpose: a young tracker's bound must hold too.
        awaitAllSynced(monitor);
        long[] before = new long[10];
        long[] truth = new long[10];
        FleetSnapshot s;
        int tries = 0;
        do {
            // The truth drifts (up to 20 ppm) while the poll runs, which takes seconds on a loaded
            // machine: each reading is judged against the truth over the poll's whole window.
            for (int i = 0; i < 10; i++) {
                before[i] = fleet.truthNanos(i);
            }
            s = monitor.pollOnce();
            for (int i = 0; i < 10; i++) {
                truth[i] = fleet.truthNanos(i);
            }
        } while (!s.problems().isEmpty() && ++tries < 10);
        long trueMax = Long.MIN_VALUE;
        long trueMin = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            DeviceRow r = s.devices().get(i);
            assertTrue(r.reachable() && r.state() == ClockState.SYNCED && r.error() == null, r.toString());
            assertWithinBoundOfTruth(r, before[i], truth[i]);
            // The drift is early and noisy here (a few samples on a loaded machine); AgentTest checks its sign.
            assertNotNull(r.driftPpm());
            assertEquals(FleetApi.softwareVersion(), r.version());
            trueMax = Math.max(trueMax, truth[i]);
            trueMin = Math.min(trueMin, truth[i]);
        }
        long trueSpread = trueMax - trueMin;
        // Devices drifting apart at up to 30 ppm move the true spread during the poll as well.
        long spreadMoved = Math.abs(trueSpread - (Arrays.stream(before).max().getAsLong()
                - Arrays.stream(before).min().getAsLong()));
        assertTrue(Math.abs(s.spreadNanos() - trueSpread) <= s.spreadBoundNanos() + spreadMoved + 2 * SLACK_NANOS,
                "spread " + s.spreadNanos() + " truth " + trueSpread + " (moved " + spreadMoved + " during the poll) bound "
                        + s.spreadBoundNanos());
        // 3.5 s apart: far outside one frame.
        assertEquals(FleetSnapshot.Verdict.OUT_OF_TOLERANCE, s.verdict());
        assertFalse(s.withinTolerance());
        Map<String, Object> json = s.toJson();
        for (String key : new String[] {"devices", "spread_ns", "spread_bound_ns", "tolerance_ns", "within_tolerance"}) {
            assertTrue(json.containsKey(key), key);
        }
    }

    @Test
    @Order(2)
    void closeDevicesAreInSyncUnderTheDefaultTolerance() throws Exception {
        // Headsets 1, 2, 3, 9 and 10 are within 5.5 ms of each other: one frame at 24 fps holds them.
        List<Device> near = new ArrayList<>();
        for (int i : new int[] {0, 1, 2, 8, 9}) {
            near.add(monitor.devices().get(i));
        }
        try (FleetMonitor m = FleetMonitor.open(FleetMonitor.Config.of(() -> near, null))) {
            FleetSnapshot s = awaitAllSynced(m);
            assertEquals(FleetSnapshot.Verdict.IN_SYNC, s.verdict(), s.fleetLine());
            assertTrue(s.withinTolerance());
            assertTrue(s.spreadNanos() + s.spreadBoundNanos() <= FleetMonitor.Config.DEFAULT_TOLERANCE_NANOS);
        }
        try (FleetMonitor m = FleetMonitor.open(FleetMonitor.Config.of(() -> near, null).withToleranceNanos(1_000_000))) {
            assertEquals(FleetSnapshot.Verdict.OUT_OF_TOLERANCE, awaitAllSynced(m).verdict());
        }
    }

    @Test
    @Order(3)
    void agentlessNtpAndNeonDevicesAreMeasuredAgainstTheReference() throws Exception {
        SimulatedTimeSource routerClock = new SimulatedTimeSource(TimeSource.system(), -7_000_000, 8);
        SimulatedTimeSource phoneClock = new SimulatedTimeSource(TimeSource.system(), 1_234_000_000L, -12);
        try (NtpServer router = NtpServer.start(NtpServerConfig.builder(routerClock)
                .bindAddress(InetAddress.getByName("127.0.0.30")).port(0).build());
             FakeCompanion phone = FakeCompanion.start(phoneClock)) {
            List<Device> devices = List.of(Device.parse("router", "ntp://127.0.0.30:" + router.port()),
                    Device.parse("neon", "neon://127.0.0.1:" + phone.httpPort()), monitor.devices().get(0));
            try (FleetMonitor m = FleetMonitor.open(FleetMonitor.Config.of(() -> devices, fleet.referenceTarget))) {
                m.awaitSettled(60_000_000_000L);
                long[] before;
                long[] truth;
                FleetSnapshot s;
                int tries = 0;
                do {
                    before = new long[] {routerClock.aheadOfReferenceNanos(), phoneClock.aheadOfReferenceNanos(),
                            fleet.truthNanos(0)};
                    s = m.pollOnce();
                    truth = new long[] {routerClock.aheadOfReferenceNanos(), phoneClock.aheadOfReferenceNanos(),
                            fleet.truthNanos(0)};
                } while (!s.problems().isEmpty() && ++tries < 10);
                for (int i = 0; i < 3; i++) {
                    DeviceRow r = s.devices().get(i);
                    assertEquals(ClockState.SYNCED, r.state(), r.toString());
                    assertWithinBoundOfTruth(r, before[i], truth[i]);
                }
                assertEquals("ntp", s.devices().get(0).via());
                assertEquals("neon", s.devices().get(1).via());
            }
        }
    }

    /**
     * Issue 17: a device of any registered protocol, here Time Echo, is accepted in a fleet file
     * and measured from the monitor like NTP and Neon ones (Device.parse used to refuse echo://).
     */
    @Test
    @Order(3)
    void anEchoDeviceInAFleetFileIsAcceptedAndPolled() throws Exception {
        SimulatedTimeSource echoClock = new SimulatedTimeSource(TimeSource.system(), 25_000_000L, 3);
        try (EchoServer echo = EchoServer.start(echoClock, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<Device> devices = FleetFile.parse("room.fleet", List.of("stim echo://127.0.0.1:" + echo.port()));
            assertEquals("echo", devices.get(0).via());
            try (FleetMonitor m = FleetMonitor.open(FleetMonitor.Config.of(() -> devices, fleet.referenceTarget))) {
                m.awaitSettled(60_000_000_000L);
                awaitAllSynced(m);
                long before = echoClock.aheadOfReferenceNanos();
                DeviceRow r = m.pollOnce().devices().get(0);
                long after = echoClock.aheadOfReferenceNanos();
                assertEquals("echo", r.via());
                assertEquals(ClockState.SYNCED, r.state(), r.toString());
                assertWithinBoundOfTruth(r, before, after);
            }
        }
    }

    @Test
    @Order(4)
    void brokenAgentsBecomeRowsAndTheMonitorCarriesOn() throws Exception {
        HttpServer garbled = fake("127.0.0.20", "{\"name\": \"x\", \"state\": ");
        AgentStatus future = new AgentStatus("from-the-future", "9.0.0", FleetApi.API_VERSION + 1, "h", "ntp://r",
                ClockState.SYNCED, 1L, 1L, 0.0, 0L, 1, 0, 1, 1, null);
        HttpServer incompatible = fake("127.0.0.21", JsonText.write(future.toJson()));
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.22"))) {
            List<Device> devices = List.of(
                    Device.parse("garbled", "agent://127.0.0.20:" + garbled.getAddress().getPort()),
                    Device.parse("future", "agent://127.0.0.21:" + incompatible.getAddress().getPort()),
                    Device.parse("silent", "agent://127.0.0.22:" + silent.getLocalPort()),
                    Device.parse("refused", "agent://127.0.0.23:" + fleet.port),
                    monitor.devices().get(0));
            try (FleetMonitor m = FleetMonitor.open(FleetMonitor.Config.of(() -> devices, null)
                    .withTimeoutNanos(500_000_000L))) {
                for (int round = 0; round < 2; round++) {
                    long t0 = System.nanoTime();
                    FleetSnapshot s = m.pollOnce();
                    long tookNanos = System.nanoTime() - t0;
                    // The silent agent never answers: without the 500 ms timeout the poll would
                    // wait for it forever. 30 s tells the two apart on the busiest machine.
                    assertTrue(tookNanos < 30_000_000_000L, "a poll took " + tookNanos + " ns");
                    Map<String, DeviceRow> rows = new java.util.HashMap<>();
                    s.devices().forEach(r -> rows.put(r.name(), r));
                    assertTrue(rows.get("garbled").reachable());
                    assertTrue(rows.get("garbled").error().startsWith("garbled status"), rows.get("garbled").error());
                    assertTrue(rows.get("future").error().startsWith("incompatible agent: status API version 2"),
                            rows.get("future").error());
                    assertEquals("9.0.0", rows.get("future").version());
                    assertFalse(rows.get("silent").reachable());
                    assertEquals("unreachable: no answer within 500ms", rows.get("silent").error());
                    assertEquals("unreachable: connection refused", rows.get("refused").error());
                    assertFalse(rows.get("refused").reachable());
                    DeviceRow good = rows.get("headset-01");
                    assertTrue(good.reachable() && good.error() == null && good.offsetNanos() != null, good.toString());
                    assertEquals(FleetSnapshot.Verdict.DEVICE_PROBLEM, s.verdict());
                    assertTrue(s.fleetLine().contains("(2 unreachable, 2 not synced)"), s.fleetLine());
                    for (DeviceRow r : s.devices()) {
                        assertTrue(r.error() == null || !r.error().contains("\n"), r.error());
                    }
                }
            }
        } finally {
            garbled.stop(0);
            incompatible.stop(0);
        }
    }

    private static HttpServer fake(String host, String body) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), 0), 8);
        s.createContext("/", ex -> HttpReplies.send(ex, 200, "application/json", body));
        s.start();
        return s;
    }

    @Test
    @Order(5)
    void aKilledAgentIsReportedByTheFirstPollAfterTheKill() throws Exception {
        List<FleetSnapshot> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        monitor.addListener(seen::add);
        monitor.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(seen.isEmpty());
        assertTrue(seen.get(seen.size() - 1).devices().get(9).reachable());
        long killedAt = System.nanoTime();
        fleet.agents.get(9).close();
        // Polls run one after another, each delivered before the next starts: the snapshot after
        // the next one delivered from now comes from a poll begun after the kill, and must report
        // it. How soon that is (about one 1 s poll period) is the machine's; it is printed.
        int deliveredAtKill = seen.size();
        deadline = System.nanoTime() + 60_000_000_000L;
        while (seen.size() < deliveredAtKill + 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(seen.size() >= deliveredAtKill + 2, "no poll after the kill within 60 s");
        DeviceRow r = seen.get(deliveredAtKill + 1).devices().get(9);
        assertFalse(r.reachable(), r.toString());
        assertEquals("unreachable: connection refused", r.error());
        int firstReporting = deliveredAtKill;
        while (seen.get(firstReporting).devices().get(9).reachable()) {
            firstReporting++;
        }
        System.out.printf(java.util.Locale.ROOT, "killed agent reported unreachable by poll %d after the kill; "
                + "%d polls delivered %.2f s after it%n", firstReporting - deliveredAtKill + 1,
                seen.size() - deliveredAtKill, (System.nanoTime() - killedAt) / 1e9);
        assertNull(monitor.latest().devices().get(0).error());
    }
}
