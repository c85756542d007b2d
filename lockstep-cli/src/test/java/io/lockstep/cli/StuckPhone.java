package io.lockstep.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.lockstep.net.EchoServer;
import io.lockstep.time.TimeSource;

/**
 * A Companion app whose {@code recording:start} answers success but whose status never lists a
 * running recording (a phone whose recording failed to begin): what {@code record start} must
 * notice before it marks the shared event. Serves Time Echo on the local clock. Thread-safe.
 */
final class StuckPhone implements AutoCloseable {

    private final EchoServer echo;
    private final HttpServer http;
    private final List<String> events = new ArrayList<>();

    StuckPhone() throws IOException {
        echo = EchoServer.start(TimeSource.system(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/api/status", ex -> answer(ex, "{\"message\":\"Success\",\"result\":[{\"model\":\"Phone\","
                + "\"data\":{\"ip\":\"127.0.0.1\",\"time_echo_port\":" + echo.port() + "}}]}"));
        http.createContext("/api/recording:start", ex -> answer(ex,
                "{\"message\":\"Recording started\",\"result\":{\"id\":\"stuck-1\"}}"));
        http.createContext("/api/event", ex -> {
            synchronized (events) {
                events.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            answer(ex, "{\"message\":\"Event sent\",\"result\":{\"timestamp\":1}}");
        });
        http.start();
    }

    String target() {
        return "neon://127.0.0.1:" + http.getAddress().getPort();
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        echo.close();
    }
}
