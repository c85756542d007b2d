package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.lockstep.time.TimeSource;

/**
 * {@code /api/status} as a WebSocket, read by an independent client (the JDK's
 * {@link java.net.http.WebSocket}): on connect the current components, one message each, then a
 * recording's START, its events, STOP and SAVE, and Phone changes, every message checked
 * against the API's facts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompanionWebSocketTest {

    /** Collects whole text messages; pings are answered by the JDK. */
    static final class Collector implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonNode next() throws Exception {
            // A generous deadline for a busy machine; the message normally arrives in milliseconds.
            String text = messages.poll(30, TimeUnit.SECONDS);
            assertNotNull(text, "no WebSocket message within 30 s");
            return CompanionApiFacts.JSON.readTree(text);
        }
    }

    static WebSocket connect(FakeCompanion app, Collector collector) {
        URI uri = URI.create("ws://" + app.httpAddress().getAddress().getHostAddress() + ":" + app.httpPort()
                + "/api/status");
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, collector).join();
    }

    @Test
    void statusUpgradesToAWebSocketThatPushesTheComponentsThenEachChange() throws Exception {
        CompanionApiFacts facts = CompanionApiFacts.load();
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            Collector collector = new Collector();
            WebSocket ws = connect(app, collector);
            List<String> models = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                JsonNode c = collector.next();
                assertEquals(List.of(), facts.checkComponent(c), c.toString());
                models.add(c.get("model").asText());
            }
            assertEquals("Phone", models.get(0));
            assertEquals("Hardware", models.get(1));
            assertEquals(10, models.stream().filter("Sensor"::equals).count(), models.toString());

            FakeCompanionApiTest.Answer started = FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null);
            assertEquals(200, started.code(), started.body());
            JsonNode start = collector.next();
            assertEquals(List.of(), facts.checkComponent(start), start.toString());
            assertEquals("Recording", start.get("model").asText());
            assertEquals("START", start.get("data").get("action").asText());
            assertEquals(app.recordingId(), start.get("data").get("id").asText());

            FakeCompanionApiTest.call(app, "POST", "/api/event", "{\"name\":\"onset\"}");
            JsonNode event = collector.next();
            assertEquals(List.of(), facts.checkComponent(event), event.toString());
            assertEquals("Event", event.get("model").asText());
            assertEquals("onset", event.get("data").get("name").asText());
            assertEquals(app.events().get(0).timestampNanos(), event.get("data").get("timestamp").asLong());

            FakeCompanionApiTest.call(app, "POST", "/api/recording:stop_and_save", null);
            for (String action : List.of("STOP", "SAVE")) {
                JsonNode c = collector.next();
                assertEquals(List.of(), facts.checkComponent(c), c.toString());
                assertEquals(action, c.get("data").get("action").asText(), c.toString());
                assertEquals(app.recordingId(), c.get("data").get("id").asText());
            }

            app.battery(14);
            JsonNode phone = collector.next();
            assertEquals(List.of(), facts.checkComponent(phone), phone.toString());
            assertEquals("LOW", phone.get("data").get("battery_state").asText());
            assertTrue(collector.messages.isEmpty(), collector.messages.toString());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    @Test
    void aClientConnectingDuringARecordingIsToldItRunsAndTheAppStillAnswersHttp() throws Exception {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null);
            Collector collector = new Collector();
            WebSocket ws = connect(app, collector);
            List<String> models = new ArrayList<>();
            for (int i = 0; i < 13; i++) {
                models.add(collector.next().get("model").asText());
            }
            assertEquals("Recording", models.get(12), models.toString());
            FakeCompanionApiTest.call(app, "POST", "/api/recording:cancel", null);
            assertEquals("STOP", collector.next().get("data").get("action").asText());
            assertEquals("DISCARD", collector.next().get("data").get("action").asText());
            assertEquals(200, FakeCompanionApiTest.call(app, "GET", "/api/status", null).code());
            ws.abort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
