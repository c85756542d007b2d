package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code serve --companion-port} as Pupil Labs' clients see it: {@code Phone.ip} is the address
 * given to {@code --bind} (their clients dial Time Echo there), {@code /api/status} also upgrades
 * to a WebSocket, and {@code neon://} still measures against it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCompanionTest {

    @Test
    void aBoundCompanionReportsItsAddressAndAnswersAWebSocket() throws Exception {
        try (ServingCommand serve = ServingCommand.start("serve-companion-bound", "serve", "--bind", "127.0.0.2",
                "--companion-port", "0", "--companion-name", "Lab phone 3")) {
            Matcher m = serve.await(Pattern.compile("(?m)^neon 127\\.0\\.0\\.2:(\\d+)$"));
            String authority = "127.0.0.2:" + m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            String status = http.send(HttpRequest.newBuilder(URI.create("http://" + authority + "/api/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(status.contains("\"device_name\":\"Lab phone 3\",\"ip\":\"127.0.0.2\""), status);

            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + authority + "/api/status"),
                    new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                messages.add(partial.toString());
                                partial.setLength(0);
                            }
                            socket.request(1);
                            return null;
                        }
                    }).join();
            String first = messages.poll(30, TimeUnit.SECONDS);
            assertNotNull(first, "no status message over the WebSocket");
            assertTrue(first.startsWith("{\"model\":\"Phone\",\"data\":{") && first.contains("\"ip\":\"127.0.0.2\""), first);
            ws.abort();

            MainTest.Result offset = MainTest.run("offset", "neon://" + authority, "--json", "--samples", "10");
            assertEquals(0, offset.code(), offset.err());
        }
    }

    @Test
    void anAdvertisedCompanionStopsSoonAfterItsDuration() {
        // JmDNS waits seconds for goodbye packets on close; serve must not (it took 7.8 s here). The slack
        // covers start-up and announcing on a busy machine.
        long startNanos = System.nanoTime();
        MainTest.Result r = MainTest.run("serve", "--bind", "127.0.0.2", "--companion-port", "0", "--companion-mdns",
                "--duration", "1s");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertEquals(0, r.code(), r.err());
        assertTrue(elapsedMillis < 1_000 + 4_000, "serve --duration 1s took " + elapsedMillis + " ms; stderr: " + r.err());
    }

    @Test
    void advertisingOrNamingNeedsACompanion() {
        MainTest.Result r = MainTest.run("serve", "--echo-port", "0", "--companion-mdns", "--duration", "1s");
        assertEquals(2, r.code());
        MainTest.assertOneLineError(r, "need --companion-port");
    }
}
