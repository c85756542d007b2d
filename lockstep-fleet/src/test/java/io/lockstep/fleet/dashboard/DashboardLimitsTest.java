package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
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

import org.junit.jupiter.api.Test;

/**
 * The dashboard under the attacks of issue 16, on loopback: slow connections that never finish
 * their headers and many idle event-stream subscribers, each from its own source address, do not
 * keep a page from loading the fleet.
 */
class DashboardLimitsTest {

    private static final long TOLERANCE = 1_000_000L;

    @Test
    void slowConnectionsAndManySubscribersDoNotFreezeThePage() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (DashboardServer server = DashboardServer.start(new InetSocketAddress("127.0.0.1", 0), 10,
                60_000_000_000L)) {
            server.publish(Frames.frame(1, TOLERANCE, Frames.row("a", 1, 1)));
            InetSocketAddress target = server.address();
            for (int i = 0; i < 20; i++) {
                held.add(open(target, "127.0.2." + (i + 1), "GET /api/fleet HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            }
            for (int i = 0; i < 40; i++) {
                held.add(open(target, "127.0.3." + (i + 1), "GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            int polls = 20;
            int failed = 0;
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < polls && failed <= 1; i++) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + target.getPort() + "/api/fleet")).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        failed++;
                        errors.add("status " + r.statusCode());
                    }
                } catch (IOException e) {
                    failed++;
                    errors.add(e.toString());
                }
            }
            assertTrue(failed <= 1, failed + " of " + polls + " page polls failed: " + errors);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static Socket open(InetSocketAddress target, String source, String request) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(target, 3_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return s;
    }
}
