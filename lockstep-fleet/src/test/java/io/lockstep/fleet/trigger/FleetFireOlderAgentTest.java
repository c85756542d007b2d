package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.JsonText;
import io.lockstep.schedule.Firing;

/**
 * {@code fleet fire} against an agent that predates {@code wait_ms} (issue 17): it answers every
 * report request at once, "scheduled" until its firing is past, and the monitor still gets its
 * "done" by asking again after a pause, as monitors did before reports were held.
 */
class FleetFireOlderAgentTest {

    private static final long MS = 1_000_000L;

    @Test
    void anAgentThatAnswersAtOnceIsAskedAgainUntilDone() throws Exception {
        FleetKey key = FleetKey.random();
        List<String> reportQueries = new CopyOnWriteArrayList<>();
        long[] doneAtMono = new long[1];
        Trigger[] accepted = new Trigger[1];
        HttpServer old = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        old.createContext(FleetApi.TRIGGERS_PATH, ex -> {
            if ("POST".equals(ex.getRequestMethod())) {
                try {
                    accepted[0] = TriggerJson.parse(ex.getRequestBody().readAllBytes());
                } catch (TriggerRefusedException e) {
                    answer(ex, 400, Map.of("error", e.getMessage()));
                    return;
                }
                answer(ex, 202, Map.of("accepted", true, "predicted_bound_ns", 1_000L));
                return;
            }
            reportQueries.add(String.valueOf(ex.getRequestURI().getRawQuery()));
            Trigger t = accepted[0];
            boolean done = System.nanoTime() - doneAtMono[0] >= 0;
            FiringReport f = new FiringReport(0, t.atNanos(), t.atNanos() + 10_000, t.atNanos(), 1_000, 10_000, 1L, 1L,
                    Firing.Outcome.FIRED, "");
            answer(ex, 200, Map.of("id", t.id(), "state", done ? "done" : "scheduled", "predicted_bound_ns", 1_000L,
                    "firings", done ? List.of(f.toJson()) : List.of()));
        });
        old.start();
        try {
            long now = System.currentTimeMillis() * MS;
            long lead = 1_500 * MS;
            // Done a little after the instant, as a real agent is after its action ran.
            doneAtMono[0] = System.nanoTime() + lead + 200 * MS;
            FleetFire fire = new FleetFire(key, 2_000 * MS);
            Device d = Device.parse("old", "agent://127.0.0.1:" + old.getAddress().getPort());
            FleetFire.Result r = fire.fire(List.of(d), new FleetFire.Plan("blink", now + lead, 0, 1, 41_700_000L, 0), now,
                    null);
            assertEquals(FiringState.FIRED, r.devices().get(0).status(), r.devices().get(0).toString());
            assertTrue(r.ok(), r.problems().toString());
            // It was asked to hold its answers, did not, and was asked again until done.
            assertTrue(reportQueries.size() >= 2, reportQueries.toString());
            assertTrue(reportQueries.get(0).startsWith("wait_ms="), reportQueries.toString());
        } finally {
            old.stop(0);
        }
    }

    private static void answer(HttpExchange ex, int status, Map<String, Object> json) throws IOException {
        byte[] body = JsonText.write(json).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
