package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

/** {@code lockstep fleet dashboard} from the command line: its address line, its JSON, its errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetDashboardCommandTest {

    @TempDir
    Path dir;

    private static MainTest.Result run(String... args) {
        return MainTest.run(args);
    }

    @Test
    void servesTheFleetOfAFleetFile() throws Exception {
        try (NtpServer reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).rateLimit(NtpRateLimit.OFF).build());
             Agent agent = Agent.start(AgentConfig.of(Target.parse("ntp://127.0.0.1:" + reference.port()), "pi-7",
                     new InetSocketAddress("127.0.0.1", 0))
                     .withLocal(new SimulatedTimeSource(TimeSource.system(), 7_000_000, 0))
                     .withIntervalNanos(500_000_000L))) {
            Path fleet = dir.resolve("fleet.txt");
            Files.writeString(fleet, "# one headset\npi-7 agent://127.0.0.1:" + agent.httpAddress().getPort() + "\n");
            // No --duration: the dashboard serves until this test has seen SYNCED and stops it, so
            // however long a busy machine takes to converge, the dashboard is still there to ask.
            String base;
            try (ServingCommand dashboard = ServingCommand.start("fleet-dashboard-under-test", "fleet", "dashboard",
                    "--devices", fleet.toString(), "--http", "127.0.0.1:0", "--tolerance", "1ms")) {
                Matcher m = dashboard.await(Pattern.compile("^http 127\\.0\\.0\\.1:(\\d+)$", Pattern.MULTILINE));
                base = "http://127.0.0.1:" + m.group(1);
                servesUntilSynced(base);
                assertEquals(1, dashboard.out().lines().count(), "stdout is the address line: " + dashboard.out());
            }
        }
    }

    private static void servesUntilSynced(String base) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Lockstep fleet"));

        // A deadline on the condition itself: the agent reads SYNCED in a few seconds when idle.
        long deadline = System.nanoTime() + ServingCommand.DEADLINE_NANOS;
        Map<?, ?> device = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/fleet")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                Map<?, ?> fleetJson = (Map<?, ?>) TestJson.parse(r.body());
                assertEquals(1_000_000L, fleetJson.get("tolerance_ns"));
                device = (Map<?, ?>) ((List<?>) fleetJson.get("devices")).get(0);
                if ("SYNCED".equals(device.get("state"))) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        assertTrue(device != null && "SYNCED".equals(device.get("state")), "device: " + device);
        assertEquals("pi-7", device.get("name"));
        assertEquals("ok", device.get("mark"));
        long offset = (Long) device.get("offset_ns");
        long bound = (Long) device.get("error_bound_ns");
        assertTrue(Math.abs(offset - 7_000_000) <= bound + 1_000_000, "offset " + offset + " ± " + bound);
    }

    @Test
    void stopsAfterItsDurationWithExitZero() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path fleet = dir.resolve("fleet.txt");
        Files.writeString(fleet, "gone agent://127.0.0.1:" + closedPort + "\n");
        // Nothing has to converge here: --duration alone ends the command, however busy the machine.
        MainTest.Result r = run("fleet", "dashboard", "--devices", fleet.toString(), "--http", "127.0.0.1:0",
                "--duration", "1s");
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, r.out().lines().count(), r.toString());
        assertTrue(r.out().startsWith("http 127.0.0.1:"), r.toString());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path fleet = dir.resolve("fleet.txt");
        Files.writeString(fleet, "agent://127.0.0.1:7474\n");
        for (String[] args : List.of(
                new String[] {"fleet", "dashboard", "--devices", fleet.toString()},
                new String[] {"fleet", "dashboard", "--devices", fleet.toString(), "--http", "127.0.0.1:99999"},
                new String[] {"fleet", "dashboard", "--devices", fleet.toString(), "--http", "nowhere"},
                new String[] {"fleet", "dashboard", "--devices", fleet.toString(), "--http", "127.0.0.1:0", "--window", "1s"},
                new String[] {"fleet", "dashboard", "--devices", fleet.toString(), "--http", "127.0.0.1:0", "--duration", "0s"},
                new String[] {"fleet", "dashboard", "--scan", "10.0.0.0/8", "--http", "127.0.0.1:0"})) {
            MainTest.Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r);
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("lockstep: "), r.err());
        }
    }

    @Test
    void aTakenPortIsAFailureWithTheAddress() throws Exception {
        Path fleet = dir.resolve("fleet.txt");
        Files.writeString(fleet, "agent://127.0.0.1:7474\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MainTest.Result r = run("fleet", "dashboard", "--devices", fleet.toString(), "--http", "127.0.0.1:" + taken.getLocalPort(),
                    "--duration", "1s");
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().startsWith("lockstep: cannot serve the dashboard on 127.0.0.1:" + taken.getLocalPort()),
                    r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }
}
