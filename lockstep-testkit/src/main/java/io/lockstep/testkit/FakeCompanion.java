package io.lockstep.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.lockstep.net.EchoServer;
import io.lockstep.time.TimeSource;

/**
 * A stand-in for a Pupil Labs Companion app (Neon / Pupil Invisible) on loopback: it serves
 * {@code GET /api/status} with a Phone component naming its Time Echo port, and a real Time Echo
 * server on that port driven by the given clock. It can also play an app too old for Time Echo
 * (no {@code time_echo_port}). Thread-safe; close it to free both ports.
 */
public final class FakeCompanion implements AutoCloseable {

    private final HttpServer http;
    private final EchoServer echo;

    private FakeCompanion(TimeSource phoneClock, boolean supportsTimeEcho) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        this.echo = supportsTimeEcho ? EchoServer.start(phoneClock, loopback) : null;
        this.http = HttpServer.create(loopback, 16);
        http.createContext("/api/status", this::status);
        http.createContext("/", ex -> respond(ex, 404, "{\"message\":\"Not found\"}"));
        http.start();
    }

    /** A current Companion app whose phone clock is {@code phoneClock}. */
    public static FakeCompanion start(TimeSource phoneClock) throws IOException {
        return new FakeCompanion(phoneClock, true);
    }

    /** A Companion app from before Time Echo: its status has no {@code time_echo_port}. */
    public static FakeCompanion startTooOld() throws IOException {
        return new FakeCompanion(TimeSource.system(), false);
    }

    /** Port of the HTTP API (what {@code neon://127.0.0.1:PORT} names). */
    public int httpPort() {
        return http.getAddress().getPort();
    }

    /** Port of the Time Echo server, or -1 for an app too old to have one. */
    public int timeEchoPort() {
        return echo == null ? -1 : echo.port();
    }

    private void status(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod())) {
            respond(ex, 405, "{\"message\":\"Method not allowed\"}");
            return;
        }
        String echoField = echo == null ? "" : ",\"time_echo_port\":" + echo.port();
        String body = "{\"message\":\"Success\",\"result\":["
                + "{\"model\":\"Phone\",\"data\":{\"battery_level\":87,\"battery_state\":\"OK\","
                + "\"device_id\":\"fake0001\",\"device_name\":\"Fake Companion\",\"ip\":\"127.0.0.1\","
                + "\"memory\":1000000000,\"memory_state\":\"OK\"" + echoField + "}},"
                + "{\"model\":\"Hardware\",\"data\":{\"version\":\"2.0\",\"glasses_serial\":\"fake\"}},"
                + "{\"model\":\"Sensor\",\"data\":{\"sensor\":\"gaze\",\"conn_type\":\"DIRECT\",\"connected\":true}}]}";
        respond(ex, 200, body);
    }

    private static void respond(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        if (echo != null) {
            echo.close();
        }
    }
}
