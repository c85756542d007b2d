package io.lockstep.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.lockstep.net.EchoServer;
import io.lockstep.time.TimeSource;

/**
 * A Companion phone whose health the test sets (battery, storage, recording), answering
 * {@code GET /api/status} with the field names of the published Companion API and serving Time
 * Echo on the given clock: for the fleet view's phone health, where the stand-in app's own
 * values are fixed. Thread-safe.
 */
public final class StubPhone implements AutoCloseable {

    private final EchoServer echo;
    private final HttpServer http;
    private final String name;
    private volatile int batteryPercent;
    private volatile String batteryState;
    private volatile long storageFreeBytes;
    private volatile String storageState;
    private volatile long recordingSinceMonoNanos = -1;

    public StubPhone(TimeSource clock, String name, int batteryPercent, String batteryState, long storageFreeBytes,
                     String storageState) throws IOException {
        this.name = name;
        this.batteryPercent = batteryPercent;
        this.batteryState = batteryState;
        this.storageFreeBytes = storageFreeBytes;
        this.storageState = storageState;
        echo = EchoServer.start(clock, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/api/status", this::status);
        http.start();
    }

    /** {@code neon://127.0.0.1:PORT}. */
    public String target() {
        return "neon://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Starts or ends the recording the status lists. */
    public void recording(boolean on) {
        recordingSinceMonoNanos = on ? System.nanoTime() : -1;
    }

    private void status(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        long since = recordingSinceMonoNanos;
        String recording = since < 0 ? "" : String.format(Locale.ROOT,
                ",{\"model\":\"Recording\",\"data\":{\"id\":\"00000000-0000-4000-8000-000000000001\",\"action\":\"START\","
                        + "\"message\":\"\",\"rec_duration_ns\":%d}}", System.nanoTime() - since);
        String body = String.format(Locale.ROOT, "{\"message\":\"Success\",\"result\":["
                + "{\"model\":\"Phone\",\"data\":{\"battery_level\":%d,\"battery_state\":\"%s\",\"device_id\":\"stub\","
                + "\"device_name\":\"%s\",\"ip\":\"127.0.0.1\",\"memory\":%d,\"memory_state\":\"%s\",\"port\":%d,"
                + "\"time_echo_port\":%d}},"
                + "{\"model\":\"Hardware\",\"data\":{\"version\":\"2\",\"module_serial\":\"stub-module\"}},"
                + "{\"model\":\"Sensor\",\"data\":{\"sensor\":\"world\",\"conn_type\":\"DIRECT\",\"connected\":true}}%s]}",
                batteryPercent, batteryState, name, storageFreeBytes, storageState, http.getAddress().getPort(),
                echo.port(), recording);
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
