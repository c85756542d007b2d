package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The exact request and response shapes the fake Companion app follows, over raw HTTP: they are
 * those of the Pupil Labs realtime-network-api OpenAPI description (neon/v2.1.0.yml) and the
 * realtime-python-api client. Any change here is a change of what Lockstep claims the app does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeCompanionApiTest {

    record Answer(int code, String body) {
    }

    static Answer call(FakeCompanion app, String method, String path, String body) throws IOException {
        URI uri = URI.create("http://" + app.httpAddress().getAddress().getHostAddress() + ":" + app.httpPort() + path);
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        http.setRequestMethod(method);
        if (body != null) {
            http.setDoOutput(true);
            http.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = http.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = http.getResponseCode();
        try (InputStream in = code >= 400 ? http.getErrorStream() : http.getInputStream()) {
            return new Answer(code, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void eventWithoutTimestampIsStampedAtReceiptInWholeMillisecondsOfThePhoneClock() throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(TimeSource.system(), 250_000_000L, 0);
        try (FakeCompanion app = FakeCompanion.builder(phone).processingDelay(1_000_000L, 3_000_000L, 1_000_000L)
                .start()) {
            long before = phone.wallNanos();
            Answer a = call(app, "POST", "/api/event", "{\"name\": \"trial 1\"}");
            long after = phone.wallNanos();
            assertEquals(200, a.code());
            Matcher m = Pattern.compile("^\\{\"message\":\"Event sent\",\"result\":\\{"
                    + "\"recording_id\":null,\"timestamp\":(\\d+)}}$").matcher(a.body());
            assertTrue(m.matches(), a.body());
            long ts = Long.parseLong(m.group(1));
            assertEquals(0, ts % FakeCompanion.TIMESTAMP_RESOLUTION_NANOS, "whole milliseconds: " + ts);
            // Stamped after at least the 1 ms processing delay, before the answer.
            assertTrue(ts >= Math.floorDiv(before + 1_000_000L, 1_000_000L) * 1_000_000L - 1_000_000L, ts + " " + before);
            assertTrue(ts <= after, ts + " " + after);
            assertEquals(List.of(new FakeCompanion.ReceivedEvent("trial 1", ts, true, null)), app.events());
        }
    }

    @Test
    void eventWithTimestampKeepsItAndBelongsToTheRunningRecording() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            Answer start = call(app, "POST", "/api/recording:start", null);
            assertEquals(200, start.code());
            Matcher id = Pattern.compile("^\\{\"message\":\"Recording started\",\"result\":\\{\"id\":\"([0-9a-f-]{36})\"}}$")
                    .matcher(start.body());
            assertTrue(id.matches(), start.body());
            Answer a = call(app, "POST", "/api/event", "{\"name\":\"onset\",\"timestamp\":1643899966134527000}");
            assertEquals("{\"message\":\"Event sent\",\"result\":{\"recording_id\":\"" + id.group(1)
                    + "\",\"timestamp\":1643899966134527000}}", a.body());
            assertEquals(new FakeCompanion.ReceivedEvent("onset", 1643899966134527000L, false, id.group(1)),
                    app.events().get(0));
        }
    }

    @Test
    void recordingEndpointsAnswerAndRefuseAsTheApp() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            assertFalse(call(app, "GET", "/api/status", null).body().contains("\"Recording\""));
            Answer notRunning = call(app, "POST", "/api/recording:stop_and_save", null);
            assertEquals(new Answer(500, "{\"message\":\"Recording not running\"}"), notRunning);
            assertEquals(new Answer(500, "{\"message\":\"Recording not running\"}"),
                    call(app, "POST", "/api/recording:cancel", null));
            assertEquals(200, call(app, "POST", "/api/recording:start", null).code());
            assertTrue(app.recording());
            String status = call(app, "GET", "/api/status", null).body();
            assertTrue(status.contains("{\"model\":\"Recording\",\"data\":{\"id\":\"" + app.recordingId()
                    + "\",\"action\":\"START\",\"message\":\"\",\"rec_duration_ns\":"), status);
            assertEquals(new Answer(500, "{\"message\":\"Recording already running\"}"),
                    call(app, "POST", "/api/recording:start", null));
            Answer saved = call(app, "POST", "/api/recording:stop_and_save", null);
            assertTrue(saved.body().matches("^\\{\"message\":\"Recording stopped and saved\",\"result\":\\{\"id\":\""
                    + app.recordingId() + "\",\"rec_duration_ns\":\\d+}}$"), saved.body());
            assertFalse(app.recording());
            // The app lists a Recording component only while one runs (the WebSocket tells STOP and SAVE).
            assertFalse(call(app, "GET", "/api/status", null).body().contains("\"Recording\""));
            call(app, "POST", "/api/recording:start", null);
            Answer cancelled = call(app, "POST", "/api/recording:cancel", null);
            assertEquals("{\"message\":\"Recording cancelled\",\"result\":{\"id\":\"" + app.recordingId() + "\"}}",
                    cancelled.body());
            assertFalse(call(app, "GET", "/api/status", null).body().contains("\"Recording\""));
        }
    }

    @Test
    void statusListsThePhoneWithItsTimeEchoPortAndTheOtherComponents() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system()); FakeCompanion old = FakeCompanion.startTooOld()) {
            Answer a = call(app, "GET", "/api/status", null);
            assertEquals(200, a.code());
            assertTrue(a.body().startsWith("{\"message\":\"Success\",\"result\":[{\"model\":\"Phone\",\"data\":{"), a.body());
            assertTrue(a.body().contains("\"time_echo_port\":" + app.timeEchoPort() + "}"), a.body());
            assertTrue(a.body().contains("{\"model\":\"Hardware\"") && a.body().contains("{\"model\":\"Sensor\""));
            assertFalse(call(old, "GET", "/api/status", null).body().contains("time_echo_port"));
        }
    }

    @Test
    void phoneIpIsTheAddressTheAppIsBoundTo() throws IOException {
        try (FakeCompanion app = FakeCompanion.builder(TimeSource.system()).bind(InetAddress.getByName("127.0.0.2"))
                .start()) {
            String body = call(app, "GET", "/api/status", null).body();
            assertTrue(body.contains("\"ip\":\"127.0.0.2\""), body);
            assertFalse(body.contains("127.0.0.1"), body);
        }
    }

    @Test
    void aWildcardBindReportsAnAddressOfThisHostNotTheWildcard() throws IOException {
        String ip = FakeCompanion.reachableAddress(InetAddress.getByName("0.0.0.0"));
        InetAddress reported = InetAddress.getByName(ip);
        assertFalse(reported.isAnyLocalAddress(), ip);
        // Either loopback (no network here) or an address one of this host's interfaces has.
        assertTrue(reported.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(reported) != null, ip);
    }

    @Test
    void templateEndpointsAnswerWithTheActiveTemplate() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            assertEquals(200, call(app, "GET", "/api/template_def", null).code());
            assertEquals(200, call(app, "GET", "/api/template_data", null).code());
        }
    }

    @Test
    void malformedRequestsUnknownPathsAndWrongMethodsAreRefusedWithAMessage() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            Answer bad = call(app, "POST", "/api/event", "{\"name\": ");
            assertEquals(400, bad.code());
            assertTrue(bad.body().startsWith("{\"message\":\"Invalid JSON: "), bad.body());
            assertEquals(400, call(app, "POST", "/api/event", "{\"timestamp\": 5}").code());
            assertEquals(400, call(app, "POST", "/api/event", "{\"name\":\"x\",\"timestamp\":1.5}").code());
            assertEquals(new Answer(404, "{\"message\":\"Not found\"}"), call(app, "GET", "/api/nothing", null));
            assertEquals(new Answer(405, "{\"message\":\"Method not allowed\"}"), call(app, "GET", "/api/event", null));
            assertTrue(app.events().isEmpty());
        }
    }

    @Test
    void aFailingAppAnswersEveryCallButStatusWithItsError() throws IOException {
        try (FakeCompanion app = FakeCompanion.builder(TimeSource.system()).failWith(503, "Service busy").start()) {
            assertEquals(new Answer(503, "{\"message\":\"Service busy\"}"), call(app, "POST", "/api/event",
                    "{\"name\":\"x\"}"));
            assertEquals(503, call(app, "POST", "/api/recording:start", null).code());
            assertEquals(200, call(app, "GET", "/api/status", null).code());
        }
    }

    @Test
    void namesWithQuotesAndControlCharactersRoundTrip() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            Answer a = call(app, "POST", "/api/event", "{\"name\":\"a \\\"quoted\\\"\\nname \\u00e9\"}");
            assertEquals(200, a.code(), a.body());
            assertEquals("a \"quoted\"\nname é", app.events().get(0).name());
            Map<String, Object> parsed;
            try {
                parsed = FlatJson.parseObject("{\"name\":\"x\",\"timestamp\":null}");
            } catch (FlatJson.Malformed e) {
                throw new AssertionError(e);
            }
            assertNull(parsed.get("timestamp"));
        }
    }
}
