package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;

/** One real agent with a simulated clock tracking a loopback NTP server, read over HTTP. */
class AgentTest {

    private static final long OFFSET_NANOS = 20_000_000L;
    private static final double DRIFT_PPM = 15;
    private static LoopbackFleet fleet;
    private static Agent agent;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fleet = new LoopbackFleet(new long[] {OFFSET_NANOS}, new double[] {DRIFT_PPM});
        agent = fleet.agents.get(0);
        agent.tracker().awaitSynced(Duration.ofSeconds(60));
        // Enough samples for the drift to be told from its sign (it starts noisy on a loaded machine).
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (agent.tracker().samples() < 12 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    private static HttpResponse<String> get(String path, String method) throws Exception {
        URI uri = URI.create("http://127.0.0.2:" + agent.httpAddress().getPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusOverHttpHoldsTheTruthWithinItsBound() throws Exception {
        AgentClient.Result r = new AgentClient(2_000_000_000L).status("127.0.0.2", agent.httpAddress().getPort()).join();
        long truth = fleet.truthNanos(0);
        assertNotNull(r.status(), r.error());
        AgentStatus s = r.status();
        assertEquals("headset-01", s.name());
        assertEquals(FleetApi.softwareVersion(), s.version());
        assertEquals(FleetApi.API_VERSION, s.apiVersion());
        assertEquals(fleet.referenceTarget.text(), s.reference());
        assertNotNull(s.host());
        assertEquals(ClockState.SYNCED, s.state());
        // The truth moved by at most the drift over the request's few ms; 1 µs covers it.
        long slack = 1_000;
        assertTrue(Math.abs(s.offsetNanos() - truth) <= s.errorBoundNanos() + slack,
                "offset " + s.offsetNanos() + " truth " + truth + " bound " + s.errorBoundNanos());
        // The agent's clock runs 15 ppm fast, so the reference runs 15 ppm slow relative to it.
        assertTrue(Math.abs(s.driftPpm() + DRIFT_PPM) < DRIFT_PPM, "drift " + s.driftPpm());
        assertTrue(s.samples() >= 3, "samples " + s.samples());
        assertTrue(s.uptimeNanos() > 0 && s.lastSampleAgeNanos() >= 0);
        // local_wall_ns is the agent's own (simulated) wall time of the reading: 20 ms ahead of the host.
        long hostNow = System.currentTimeMillis() * 1_000_000L;
        assertTrue(Math.abs(s.localWallNanos() - OFFSET_NANOS - hostNow) < 1_000_000_000L);
    }

    @Test
    void metricsPassPromtool() throws Exception {
        HttpResponse<String> r = get(FleetApi.METRICS_PATH, "GET");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = r.body();
        for (String name : new String[] {"lockstep_offset_seconds", "lockstep_error_bound_seconds", "lockstep_drift_ppm",
                "lockstep_state{state=\"synced\"} 1", "lockstep_samples_total{verdict=\"accepted\"}",
                "lockstep_last_sample_age_seconds"}) {
            assertTrue(text.contains(name), name + " missing in\n" + text);
        }
        Path promtool = Path.of("/usr/bin/promtool");
        boolean ci = "true".equals(System.getenv("CI"));
        if (!Files.isExecutable(promtool)) {
            assumeTrue(ci, "promtool is not installed (Debian package prometheus); skipping its check outside CI");
            throw new AssertionError("CI=true but /usr/bin/promtool is missing: install the prometheus package");
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + said + "\non\n" + text);
        assertEquals("", said.strip(), "promtool lint findings:\n" + said);
    }

    @Test
    void unknownPathsAndMethodsAreRefusedWithJson() throws Exception {
        HttpResponse<String> missing = get("/nope", "GET");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("\"error\""), missing.body());
        HttpResponse<String> longer = get("/api/statusX", "GET");
        assertEquals(404, longer.statusCode());
        HttpResponse<String> post = get(FleetApi.STATUS_PATH, "POST");
        assertEquals(405, post.statusCode());
        assertTrue(post.body().contains("POST not allowed"), post.body());
    }

    @Test
    void otherPartsAddResources() throws Exception {
        agent.route("/api/hello", ex -> HttpReplies.json(ex, 200, java.util.Map.of("hello", agent.config().name())));
        HttpResponse<String> r = get("/api/hello", "GET");
        assertEquals(200, r.statusCode());
        assertEquals("{\"hello\":\"headset-01\"}", r.body().strip());
    }
}
