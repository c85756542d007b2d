package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep fleet status} over three real agents on 127.0.0.2-4 (in this JVM, each its own
 * simulated clock, one loopback NTP reference): the table, the JSON, the exit codes, and the
 * one-line errors for bad input.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetStatusCommandTest {

    static final long[] OFFSETS = {0, 2_000_000, -1_000_000};
    static final long SLACK_NANOS = 2_000;
    static NtpServer reference;
    static final List<Agent> agents = new ArrayList<>();
    static final List<SimulatedTimeSource> clocks = new ArrayList<>();
    static int port;

    @TempDir
    Path dir;

    @BeforeAll
    static void startFleet() throws Exception {
        reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).bindAddress(InetAddress.getLoopbackAddress())
                .port(0).rateLimit(NtpRateLimit.perSecond(0)).build());
        Target ref = Target.parse("ntp://127.0.0.1:" + reference.port());
        int p = 0;
        for (int i = 0; i < OFFSETS.length; i++) {
            SimulatedTimeSource clock = new SimulatedTimeSource(TimeSource.system(), OFFSETS[i], 3 * i);
            Agent a = Agent.start(AgentConfig.of(ref, "pi-" + (i + 1),
                    new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i)), p)).withLocal(clock));
            p = a.httpAddress().getPort();
            agents.add(a);
            clocks.add(clock);
        }
        port = p;
        for (Agent a : agents) {
            a.tracker().awaitSynced(Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void stopFleet() throws Exception {
        for (Agent a : agents) {
            a.close();
        }
        reference.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path fleetFile(String... lines) throws Exception {
        Path f = Files.createTempFile(dir, "room", ".fleet");
        Files.write(f, List.of(lines));
        return f;
    }

    Path threeAgents() throws Exception {
        return fleetFile("# three headsets", "pi-1 agent://127.0.0.2:" + port, "pi-2 agent://127.0.0.3:" + port,
                "pi-3 agent://127.0.0.4:" + port + "   # the slow one");
    }

    @Test
    void showsEveryDeviceAndTheVerdict() throws Exception {
        Run r = run("fleet", "status", "--devices", threeAgents().toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        assertTrue(lines[0].startsWith("NAME"), r.out());
        assertTrue(lines[2].matches("pi-2 +agent://127\\.0\\.0\\.3:" + port + " +agent +SYNCED +\\+[12]\\.\\d+ ms ± .*"),
                r.out());
        assertTrue(lines[3].matches("pi-3 .* SYNCED +-\\d.* ± .*"), r.out());
        assertTrue(lines[4].startsWith("fleet: 3 devices, spread ") && lines[4].endsWith("IN SYNC"), r.out());
    }

    @Test
    void jsonHoldsEachDeviceWithinItsBoundOfTheTruth() throws Exception {
        Run r = run("fleet", "status", "--devices", threeAgents().toString(), "--json");
        long[] truth = new long[OFFSETS.length];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = clocks.get(i).aheadOfReferenceNanos();
        }
        assertEquals(0, r.code(), r.out() + r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) TestJson.parse(r.out().strip());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>) json.get("devices");
        assertEquals(3, devices.size());
        for (int i = 0; i < 3; i++) {
            Map<String, Object> d = devices.get(i);
            assertEquals("pi-" + (i + 1), d.get("name"));
            assertEquals(Boolean.TRUE, d.get("reachable"));
            assertEquals("SYNCED", d.get("state"));
            long offset = (Long) d.get("offset_ns");
            long bound = (Long) d.get("error_bound_ns");
            assertTrue(Math.abs(offset - truth[i]) <= bound + SLACK_NANOS, d + " truth " + truth[i]);
            assertTrue(d.containsKey("drift_ppm"));
        }
        assertEquals(41_700_000L, json.get("tolerance_ns"));
        assertEquals(Boolean.TRUE, json.get("within_tolerance"));
        long spread = (Long) json.get("spread_ns");
        long spreadBound = (Long) json.get("spread_bound_ns");
        long trueSpread = 3_000_000 + Math.abs(truth[1] - 2_000_000) + Math.abs(truth[2] + 1_000_000); // drift-moved
        assertTrue(Math.abs(spread - (Math.max(truth[1], Math.max(truth[0], truth[2]))
                - Math.min(truth[2], Math.min(truth[0], truth[1])))) <= spreadBound + 2 * SLACK_NANOS,
                "spread " + spread + " ± " + spreadBound + " truth about " + trueSpread);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPhonesBatteryStorageAndRecordingAreInTheJsonAndTheTable() throws Exception {
        SimulatedTimeSource phoneClock = new SimulatedTimeSource(TimeSource.system(), 4_000_000L, 8.0);
        try (io.lockstep.sim.FakeCompanion phone = io.lockstep.sim.FakeCompanion.start(phoneClock)) {
            String target = "neon://127.0.0.1:" + phone.httpPort();
            new io.lockstep.net.NeonClient("127.0.0.1", phone.httpPort(), 2_000_000_000L).startRecording();
            Path fleet = fleetFile("pi-1 agent://127.0.0.2:" + port, "glasses-1 " + target);
            String ref = "ntp://127.0.0.1:" + reference.port();
            // The monitor tracks the phone itself: on a busy machine it may take a while to sync.
            Run r = run("fleet", "status", "--devices", fleet.toString(), "--reference", ref, "--settle", "120s", "--json");
            assertEquals(0, r.code(), r.out() + r.err());
            Map<String, Object> json = (Map<String, Object>) TestJson.parse(r.out().strip());
            List<Map<String, Object>> devices = (List<Map<String, Object>>) json.get("devices");
            assertFalse(devices.get(0).containsKey("phone"), "an agent has no phone health");
            Map<String, Object> d = devices.get(1);
            assertEquals("neon", d.get("via"));
            long truth = phoneClock.aheadOfReferenceNanos();
            assertTrue(Math.abs((Long) d.get("offset_ns") - truth) <= (Long) d.get("error_bound_ns") + 200_000,
                    d + " truth " + truth);
            Map<String, Object> health = (Map<String, Object>) d.get("phone");
            assertTrue(health.get("battery_percent") instanceof Long b && b >= 0 && b <= 100, health.toString());
            assertTrue(health.get("battery_state") instanceof String, health.toString());
            assertTrue(health.get("storage_free_bytes") instanceof Long, health.toString());
            assertTrue(health.get("storage_state") instanceof String, health.toString());
            assertEquals(Boolean.TRUE, health.get("recording"), health.toString());
            assertEquals(phone.recordingId(), health.get("recording_id"));
            assertTrue((Long) health.get("recording_duration_ns") >= 0, health.toString());
            assertTrue(health.containsKey("glasses_connected") && health.containsKey("app_version")
                    && health.containsKey("hardware") && health.containsKey("last_event"), health.toString());
            assertTrue(health.get("warnings") instanceof List<?>, health.toString());
            assertFalse(((List<?>) health.get("warnings")).contains("stale_offset"), health.toString());

            Run text = run("fleet", "status", "--devices", fleet.toString(), "--reference", ref, "--settle", "120s");
            assertEquals(0, text.code(), text.out() + text.err());
            List<String> lines = text.out().lines().toList();
            assertTrue(lines.get(2).startsWith("glasses-1 "), text.out());
            assertTrue(lines.get(3).matches(" +phone: .*battery \\d+%, [\\d.]+ GB free, .*recording \\d+:\\d\\d:\\d\\d.*"),
                    text.out());
        }
    }

    @Test
    void outOfToleranceFails() throws Exception {
        Run r = run("fleet", "status", "--devices", threeAgents().toString(), "--tolerance", "1ms");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("tolerance 1.000 ms: OUT OF TOLERANCE"), r.out());
    }

    @Test
    void anUnreachableDeviceFailsTheFleetButNotTheMonitor() throws Exception {
        Run r = run("fleet", "status", "--devices",
                fleetFile("pi-1 agent://127.0.0.2:" + port, "gone agent://127.0.0.9:" + port).toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gone") && r.out().contains("UNREACHABLE") && r.out().contains("connection refused"),
                r.out());
        assertTrue(r.out().contains("DEVICE PROBLEM (1 unreachable)"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void scanFindsTheAgents() throws Exception {
        Run r = run("fleet", "status", "--scan", "127.0.0.0/29", "--agent-port", Integer.toString(port), "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>) ((Map<String, Object>) TestJson.parse(r.out()))
                .get("devices");
        assertEquals(List.of("pi-1", "pi-2", "pi-3"), devices.stream().map(d -> d.get("name")).toList());
    }

    @Test
    void watchPrintsOneJsonLinePerRefresh() throws Exception {
        Run r = run("fleet", "status", "--devices", threeAgents().toString(), "--watch", "--count", "2", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        for (String line : lines) {
            assertTrue(((Map<?, ?>) TestJson.parse(line)).containsKey("spread_ns"));
        }
    }

    @Test
    void badInputGetsOneLineAndExitTwo() throws Exception {
        Path malformed = fleetFile("pi-1 agent://127.0.0.2:" + port, "pi-2 http://127.0.0.3");
        Object[][] cases = {
                {new String[] {"fleet", "status", "--devices", malformed.toString()},
                        "line 2: unknown device scheme 'http'"},
                {new String[] {"fleet", "status", "--scan", "10.0.0.0/16"}, "spans 65536 addresses; the limit is 1024"},
                {new String[] {"fleet", "status", "--scan", "10.0.0.300/24"}, "not an IP address"},
                // Refused by the range's own parser, before any DNS query for "300.1.1.1" as a host name.
                {new String[] {"fleet", "status", "--scan", "300.1.1.1/24"}, "300 is more than 255"},
                {new String[] {"fleet", "status", "--devices", fleetFile("r ntp://127.0.0.1:1").toString()},
                        "needs --reference TARGET"},
                {new String[] {"fleet", "status", "--devices", malformed.toString(), "--tolerance", "fast"}, "--tolerance"},
                {new String[] {"fleet", "status", "--devices", dir.resolve("none").toString()}, "no such file"},
                {new String[] {"fleet", "status", "--count", "2"}, "--duration and --count go with --watch"},
        };
        for (Object[] c : cases) {
            Run r = run((String[]) c[0]);
            assertEquals(2, r.code(), String.join(" ", (String[]) c[0]) + "\n" + r.out() + r.err());
            assertTrue(r.err().startsWith("lockstep: ") && r.err().contains((String) c[1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void anAgentsEscapeSequencesNeverReachTheTerminal() throws Exception {
        // An agent (broken or hostile) whose version, state and last failure carry terminal escapes.
        String status = "{\"name\":\"evil\",\"version\":\"0.1.0\\u001b[2J\\u001b]0;owned\\u0007\",\"api_version\":1,"
                + "\"state\":\"UNSYNCED\",\"offset_ns\":null,\"error_bound_ns\":null,\"samples\":0,\"dropped\":3,"
                + "\"local_wall_ns\":1,\"last_failure\":\"timeout\\u001b[31m\\r\\nforged line\\u009b2J\"}";
        String badState = "{\"name\":\"evil2\",\"version\":\"0.1.0\",\"api_version\":1,\"state\":\"\\u001b[5mX\","
                + "\"local_wall_ns\":1}";
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/api/status", ex -> {
            byte[] body = status.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        com.sun.net.httpserver.HttpServer server2 = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server2.createContext("/api/status", ex -> {
            byte[] body = badState.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server2.start();
        try {
            Path f = fleetFile("evil agent://127.0.0.1:" + server.getAddress().getPort(),
                    "evil2 agent://127.0.0.1:" + server2.getAddress().getPort());
            for (String[] args : new String[][] {{"fleet", "status", "--devices", f.toString(), "--settle", "1s"},
                    {"fleet", "status", "--devices", f.toString(), "--settle", "1s", "--json"}}) {
                Run r = run(args);
                assertEquals(1, r.code(), r.out() + r.err());
                String all = r.out() + r.err();
                assertTrue(all.contains("forged line"), all);
                assertTrue(all.chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b || c == '\r'),
                        "a control character reached the terminal: " + all);
            }
        } finally {
            server.stop(0);
            server2.stop(0);
        }
    }

    @Test
    void fleetWithoutAVerbShowsUsage() {
        Run r = run("fleet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("status"), r.err());
    }
}
