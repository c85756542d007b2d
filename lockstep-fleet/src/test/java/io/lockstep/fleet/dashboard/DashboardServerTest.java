package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.json.Json;

/** The dashboard's server over loopback: files, JSON, and the event stream's clients coming and going. */
class DashboardServerTest {

    private static final long TOLERANCE = 1_000_000;

    private DashboardServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        server = DashboardServer.start(new InetSocketAddress("127.0.0.1", 0), 5, 5_000_000_000L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return new Json().toType(text, Map.class);
    }

    @Test
    void servesThePageAndUplotFromTheClasspath() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("uplot/uPlot.iife.min.js"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"));
        HttpResponse<String> js = get("/uplot/uPlot.iife.min.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("uPlot"), "the WebJar's script");
        assertEquals(200, get("/uplot/uPlot.min.css").statusCode());
        assertTrue(get("/dashboard.js").body().contains("EventSource"));
        assertEquals(200, get("/dashboard.css").statusCode());
        assertEquals(404, get("/nothing-here").statusCode());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base() + "/api/fleet"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void theNewestFrameAndTheHistoryAsColumns() throws Exception {
        assertEquals(503, get("/api/fleet").statusCode());
        for (int i = 1; i <= 7; i++) {
            server.publish(Frames.frame(i * 1_000_000_000L, TOLERANCE, Frames.row("a", 1000 * i, 100),
                    Frames.row("b", i <= 5 ? -20_000_000 : 100, 200)));
        }
        Map<String, Object> fleet = json(get("/api/fleet").body());
        assertEquals(7_000_000_000L, ((Number) fleet.get("local_wall_ns")).longValue());
        assertEquals(true, fleet.get("within_tolerance"));
        List<?> devices = (List<?>) fleet.get("devices");
        assertEquals(2, devices.size());
        Map<?, ?> a = (Map<?, ?>) devices.get(0);
        assertEquals("a", a.get("name"));
        assertEquals(7000L, ((Number) a.get("offset_ns")).longValue());
        assertEquals("ok", a.get("mark"));
        assertEquals(false, fleet.containsKey("last_firing"));

        Map<String, Object> history = json(get("/api/history").body());
        assertEquals(5_000_000_000L, ((Number) history.get("window_ns")).longValue());
        assertEquals(List.of(3_000_000_000L, 4_000_000_000L, 5_000_000_000L, 6_000_000_000L, 7_000_000_000L),
                ((List<?>) history.get("local_wall_ns")).stream().map(n -> ((Number) n).longValue()).toList());
        Map<?, ?> b = (Map<?, ?>) ((List<?>) history.get("devices")).get(1);
        assertEquals("b", b.get("name"));
        assertEquals(List.of(-20_000_000L, -20_000_000L, -20_000_000L, 100L, 100L),
                ((List<?>) b.get("offset_ns")).stream().map(n -> ((Number) n).longValue()).toList());
        assertEquals(List.of(false, false, false, true, true),
                ((List<?>) history.get("spread_ns")).stream().map(n -> ((Number) n).longValue() <= TOLERANCE).toList());

        server.publish(Frames.frame(8_000_000_000L, TOLERANCE, Frames.row("a", 8000, 100), Frames.row("b", -20_000_000, 200)));
        Map<String, Object> out = json(get("/api/fleet").body());
        assertEquals("out_of_tolerance", out.get("verdict"));
        assertEquals(List.of("out_of_tolerance", "out_of_tolerance"),
                ((List<?>) out.get("devices")).stream().map(d -> ((Map<?, ?>) d).get("mark")).toList());
    }

    @Test
    void theLastFiringIsCarriedWhenPresent() throws Exception {
        LastFiring firing = new LastFiring("blink", 9_000_000_000L, 120_000, 300_000, TOLERANCE, true,
                List.of(new LastFiring.Device("a", "fired", true, 9_000_050_000L, 150_000, 20_000, null),
                        new LastFiring.Device("b", "refused", false, 0, 0, 0, "action not in the agent's file")));
        server.publish(Frames.frame(1, TOLERANCE, Frames.row("a", 0, 1)).withLastFiring(firing));
        Map<?, ?> last = (Map<?, ?>) json(get("/api/fleet").body()).get("last_firing");
        assertEquals("blink", last.get("action"));
        List<?> devices = (List<?>) last.get("devices");
        assertEquals(9_000_050_000L, ((Number) ((Map<?, ?>) devices.get(0)).get("fired_reference_ns")).longValue());
        assertEquals(null, ((Map<?, ?>) devices.get(1)).get("fired_reference_ns"));
        assertEquals("action not in the agent's file", ((Map<?, ?>) devices.get(1)).get("error"));
    }

    /** An open event stream over a raw socket, so the test can hang up abruptly like a closed tab. */
    private final class RawStream implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final StringBuilder seen = new StringBuilder();

        RawStream() throws IOException {
            socket.connect(server.address(), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            in = socket.getInputStream();
        }

        /** Reads until the stream has carried {@code count} events; returns their data lines. */
        List<String> awaitEvents(int count) throws IOException {
            byte[] buf = new byte[4096];
            while (dataLines().size() < count) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("stream ended after: " + seen);
                }
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return dataLines();
        }

        List<String> dataLines() {
            List<String> out = new ArrayList<>();
            for (String line : seen.toString().split("\r?\n")) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring(6));
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void eventsFollowPublishesAndAHungUpClientIsLetGo() throws Exception {
        server.publish(Frames.frame(1, TOLERANCE, Frames.row("a", 11, 1)));
        try (RawStream stream = new RawStream()) {
            assertTrue(stream.awaitEvents(1).get(0).contains("\"offset_ns\":11"), "the newest frame at once");
            assertTrue(stream.seen.toString().startsWith("HTTP/1.1 200"), stream.seen.toString());
            assertTrue(stream.seen.toString().toLowerCase().contains("content-type: text/event-stream"));
            server.publish(Frames.frame(2, TOLERANCE, Frames.row("a", 22, 1)));
            assertTrue(stream.awaitEvents(2).get(1).contains("\"offset_ns\":22"));
            assertEquals(1, server.eventClients());
        }
        // Nothing more is published: the heartbeat alone must find the closed socket.
        assertTrue(server.eventStream().awaitClientsAtMost(0, 15, TimeUnit.SECONDS), "the hung-up client was let go");
    }

    @Test
    void clientsComingAndGoingLeaveNoThreadsBehind() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<RawStream> streams = new ArrayList<>();
            for (int i = 0; i < DashboardServer.MAX_EVENT_CLIENTS; i++) {
                streams.add(new RawStream());
            }
            server.publish(Frames.frame(10 + round, TOLERANCE, Frames.row("a", round, 1)));
            for (RawStream s : streams) {
                s.awaitEvents(1);
            }
            assertEquals(DashboardServer.MAX_EVENT_CLIENTS, server.eventClients());
            // One more than the cap is refused, and plain requests still get a thread.
            try (RawStream extra = new RawStream()) {
                byte[] reply = extra.in.readAllBytes();
                assertTrue(new String(reply, StandardCharsets.UTF_8).startsWith("HTTP/1.1 503"));
            }
            assertEquals(200, get("/api/fleet").statusCode());
            for (RawStream s : streams) {
                s.close();
            }
            server.publish(Frames.frame(20 + round, TOLERANCE, Frames.row("a", round, 1)));
            assertTrue(server.eventStream().awaitClientsAtMost(0, 15, TimeUnit.SECONDS),
                    "round " + round + ": clients left " + server.eventClients());
            assertTrue(server.handlerThreads() <= DashboardServer.MAX_EVENT_CLIENTS + 4,
                    "handler threads " + server.handlerThreads());
        }
    }

    @Test
    void closingTheServerEndsOpenStreams() throws Exception {
        server.publish(Frames.frame(1, TOLERANCE, Frames.row("a", 1, 1)));
        try (RawStream stream = new RawStream()) {
            stream.awaitEvents(1);
            server.close();
            byte[] buf = new byte[1024];
            int n;
            // The rest of the response ends: the final chunk or the connection closes.
            while ((n = stream.in.read(buf)) >= 0) {
                stream.seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (stream.seen.toString().endsWith("0\r\n\r\n")) {
                    break;
                }
            }
            assertEquals(0, server.eventClients());
            assertTrue(server.eventStream().awaitClientsAtMost(0, 1, TimeUnit.SECONDS));
        }
        long leftover = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lockstep-dashboard-http-") && t.isAlive()).count();
        assertEquals(0, leftover, "handler threads after close");
    }
}
