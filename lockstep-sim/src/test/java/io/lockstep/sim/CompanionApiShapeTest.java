package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.lockstep.sim.FakeCompanionApiTest.Answer;
import io.lockstep.time.TimeSource;

/**
 * Every HTTP answer of the stand-in Companion app, through a whole session (status, events with
 * and without a recording, start, stop, cancel, refusals, templates), checked field by field
 * against the API's facts ({@code companion-api-facts.txt}): names, types, enums, required
 * fields, and no field the API does not have.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompanionApiShapeTest {

    private static CompanionApiFacts facts;

    @BeforeAll
    static void loadFacts() throws IOException {
        facts = CompanionApiFacts.load();
    }

    private static JsonNode result(Answer a, int code, String schema) throws IOException {
        assertEquals(code, a.code(), a.body());
        JsonNode root = CompanionApiFacts.JSON.readTree(a.body());
        assertEquals(List.of(), facts.check("Envelope", root), a.body());
        JsonNode result = root.get("result");
        assertEquals(List.of(), facts.check(schema, result), a.body());
        return result;
    }

    private static void refusal(Answer a, int code, String message) throws IOException {
        assertEquals(code, a.code(), a.body());
        JsonNode root = CompanionApiFacts.JSON.readTree(a.body());
        assertEquals(List.of(), facts.check("Refusal", root), a.body());
        assertEquals(message, root.get("message").asText());
    }

    /** Checks the status answer and returns its components by model. */
    private static List<JsonNode> status(FakeCompanion app) throws IOException {
        Answer a = FakeCompanionApiTest.call(app, "GET", "/api/status", null);
        assertEquals(200, a.code(), a.body());
        JsonNode root = CompanionApiFacts.JSON.readTree(a.body());
        assertEquals(List.of(), facts.check("Envelope", root), a.body());
        assertTrue(root.get("result").isArray(), a.body());
        List<JsonNode> components = new ArrayList<>();
        for (JsonNode c : root.get("result")) {
            assertEquals(List.of(), facts.checkComponent(c), c.toString());
            components.add(c);
        }
        return components;
    }

    private static List<JsonNode> models(List<JsonNode> components, String model) {
        return components.stream().filter(c -> c.get("model").asText().equals(model)).toList();
    }

    @Test
    void everyHttpAnswerHasTheShapeOfTheApi() throws IOException {
        try (FakeCompanion app = FakeCompanion.builder(TimeSource.system()).bind(InetAddress.getByName("127.0.0.3"))
                .start()) {
            List<JsonNode> idle = status(app);
            JsonNode phone = models(idle, "Phone").get(0).get("data");
            assertEquals("127.0.0.3", phone.get("ip").asText());
            assertEquals(app.httpPort(), phone.get("port").asInt());
            assertEquals(app.timeEchoPort(), phone.get("time_echo_port").asInt());
            assertEquals(1, models(idle, "Hardware").size());
            Set<String> sensors = new TreeSet<>();
            for (JsonNode s : models(idle, "Sensor")) {
                JsonNode d = s.get("data");
                sensors.add(d.get("sensor").asText() + "/" + d.get("conn_type").asText());
                assertEquals("127.0.0.3", d.get("ip").asText());
                assertFalse(d.get("stream_error").asBoolean());
            }
            Set<String> expected = new TreeSet<>();
            for (String name : List.of("world", "gaze", "imu", "eyes", "eye_events")) {
                expected.add(name + "/DIRECT");
                expected.add(name + "/WEBSOCKET");
            }
            assertEquals(expected, sensors);
            assertEquals(List.of(), models(idle, "Recording"));

            JsonNode discarded = result(FakeCompanionApiTest.call(app, "POST", "/api/event", "{\"name\":\"early\"}"), 200,
                    "EventAnswer");
            assertTrue(discarded.get("recording_id").isNull());

            String id = result(FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null), 200,
                    "RecordingStart").get("id").asText();
            refusal(FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null), 500,
                    FakeCompanion.ALREADY_RECORDING);
            List<JsonNode> running = models(status(app), "Recording");
            assertEquals(1, running.size());
            assertEquals(id, running.get(0).get("data").get("id").asText());
            assertEquals("START", running.get(0).get("data").get("action").asText());
            JsonNode saved = result(FakeCompanionApiTest.call(app, "POST", "/api/event",
                    "{\"name\":\"onset\",\"timestamp\":1643899966134527000}"), 200, "EventAnswer");
            assertEquals(id, saved.get("recording_id").asText());
            assertEquals(1643899966134527000L, saved.get("timestamp").asLong());

            JsonNode stopped = result(FakeCompanionApiTest.call(app, "POST", "/api/recording:stop_and_save", null), 200,
                    "RecordingStop");
            assertEquals(id, stopped.get("id").asText());
            assertEquals(List.of(), models(status(app), "Recording"));
            refusal(FakeCompanionApiTest.call(app, "POST", "/api/recording:stop_and_save", null), 500,
                    FakeCompanion.NOT_RECORDING);
            refusal(FakeCompanionApiTest.call(app, "POST", "/api/recording:cancel", null), 500,
                    FakeCompanion.NOT_RECORDING);

            String second = result(FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null), 200,
                    "RecordingStart").get("id").asText();
            assertEquals(second, result(FakeCompanionApiTest.call(app, "POST", "/api/recording:cancel", null), 200,
                    "RecordingCancel").get("id").asText());
            assertEquals(List.of(), models(status(app), "Recording"));

            JsonNode template = result(FakeCompanionApiTest.call(app, "GET", "/api/template_def", null), 200, "Template");
            assertTrue(template.get("items").size() > 0);
            JsonNode data = result(FakeCompanionApiTest.call(app, "GET", "/api/template_data", null), 200, "TemplateData");
            for (JsonNode item : template.get("items")) {
                assertTrue(data.has(item.get("id").asText()), data.toString());
            }
            String text = template.get("items").get(0).get("id").asText();
            JsonNode updated = result(FakeCompanionApiTest.call(app, "POST", "/api/template_data",
                    "{\"" + text + "\":[\"P07\"]}"), 200, "TemplateData");
            assertEquals("P07", updated.get(text).get(0).asText());
            assertEquals("P07", result(FakeCompanionApiTest.call(app, "GET", "/api/template_data", null), 200,
                    "TemplateData").get(text).get(0).asText());
            result(FakeCompanionApiTest.call(app, "POST", "/api/template_data",
                    "{\"00000000-0000-0000-0000-000000000000\":[\"x\"]}"), 404, "TemplateData");
            assertEquals(400, FakeCompanionApiTest.call(app, "POST", "/api/template_data", "{\"" + text + "\":5}").code());
        }
    }

    @Test
    void lowBatteryAndLowStorageShowInTheStatesAndRefuseARecording() throws IOException {
        try (FakeCompanion app = FakeCompanion.builder(TimeSource.system()).battery(4).start()) {
            JsonNode phone = models(status(app), "Phone").get(0).get("data");
            assertEquals("CRITICAL", phone.get("battery_state").asText());
            refusal(FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null), 500, FakeCompanion.LOW_BATTERY);
            app.battery(12);
            app.memory(1L << 30);
            phone = models(status(app), "Phone").get(0).get("data");
            assertEquals("LOW", phone.get("battery_state").asText());
            assertEquals("LOW", phone.get("memory_state").asText());
            assertEquals(1L << 30, phone.get("memory").asLong());
            app.memory(100L << 20);
            refusal(FakeCompanionApiTest.call(app, "POST", "/api/recording:start", null), 500, FakeCompanion.LOW_STORAGE);
        }
    }

    @Test
    void theFactsCatchAFieldTheAppDoesNotSend() throws IOException {
        // The stand-in's old event answer echoed the name; the real app's does not.
        JsonNode old = CompanionApiFacts.JSON.readTree("{\"name\":\"x\",\"recording_id\":null,\"timestamp\":5}");
        assertEquals(List.of("EventAnswer sends name, which the app does not"), facts.check("EventAnswer", old));
        JsonNode partialSensor = CompanionApiFacts.JSON.readTree(
                "{\"model\":\"Sensor\",\"data\":{\"sensor\":\"gaze\",\"conn_type\":\"DIRECT\",\"connected\":1,\"extra\":0}}");
        assertEquals(List.of("Sensor.data has a field the API does not have: extra", "Sensor.data.connected is not boolean: 1"),
                facts.checkComponent(partialSensor));
    }
}
