package io.lockstep.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.lockstep.net.EchoServer;
import io.lockstep.time.TimeSource;

/**
 * A stand-in for a Pupil Labs Companion app (Neon / Pupil Invisible) that answers the app's
 * real-time HTTP API as the app does, on a simulated phone clock. Thread-safe; close it to free
 * both ports.
 *
 * <p>What it follows (the Pupil Labs realtime-network-api OpenAPI description, v2.1.0, and the
 * realtime-python-api client and its documentation), all bodies JSON envelopes
 * {@code {"message": TEXT, "result": ...}}:
 * <ul>
 * <li>{@code GET /api/status}: {@code result} is a list of components {@code {"model", "data"}}:
 *     {@code Phone} (with {@code data.time_echo_port}, left out by an app too old for Time Echo),
 *     {@code Hardware}, {@code Sensor}, and once a recording was started {@code Recording}
 *     ({@code id}, {@code action} START / STOP / SAVE / DISCARD, {@code rec_duration_ns}, {@code message}).
 * <li>{@code POST /api/event} with {@code {"name": TEXT, "timestamp": UNIX_NS}}: without a
 *     timestamp the phone stamps the event when it has read the request, after a simulated HTTP
 *     processing delay, with its own clock truncated to whole milliseconds (the app stamps with
 *     Android's millisecond wall clock: its documented example answer is
 *     {@code timestamp_unix_ns=1744271292116000000}); a given timestamp is kept as sent. The
 *     answer is {@code {"message": ..., "result": {"name", "recording_id", "timestamp"}}};
 *     {@code recording_id} is null when no recording runs (the real app then discards the event).
 * <li>{@code POST /api/recording:start} answers {@code result.id}; {@code :stop_and_save}
 *     {@code result.id} and {@code result.rec_duration_ns}; {@code :cancel} {@code result.id}.
 *     A refusal is HTTP 500 with {@code {"message": REASON}} as the OpenAPI description says
 *     ("Recording already running", "Recording not running").
 * <li>Malformed requests answer 400, unknown paths 404, wrong methods 405, each with a message.
 * </ul>
 * {@link Builder#failWith} makes every API call but status answer a chosen error, to rehearse a
 * phone whose app is in trouble.
 */
public final class FakeCompanion implements AutoCloseable {

    static {
        // The JDK's HTTP server leaves Nagle's algorithm on, so an answer's body, written after
        // its headers, waits for the client's delayed ACK: 40 ms per request on Linux, which no
        // phone adds. Read once, when the server classes first load; set only if nobody chose.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Resolution of the timestamps the app gives events it stamps itself: 1 ms (truncated). */
    public static final long TIMESTAMP_RESOLUTION_NANOS = 1_000_000L;

    /** The message of a refused {@code recording:start}. */
    public static final String ALREADY_RECORDING = "Recording already running";
    /** The message of a refused {@code recording:stop_and_save} or {@code :cancel}. */
    public static final String NOT_RECORDING = "Recording not running";

    /**
     * An event as the app received it.
     *
     * @param name                 the event's name
     * @param timestampNanos       its timestamp in the phone's clock (Unix ns)
     * @param stampedByPhone       true when the request had no timestamp and the phone stamped it
     * @param recordingId          the recording it belongs to, or null (no recording: a real app discards it)
     */
    public record ReceivedEvent(String name, long timestampNanos, boolean stampedByPhone, String recordingId) {
    }

    /** Options of a fake app; {@link #start()} starts it. Not thread-safe. */
    public static final class Builder {
        private final TimeSource phoneClock;
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port;
        private boolean supportsTimeEcho = true;
        private long delayBeforeStampMinNanos = 500_000L;
        private long delayBeforeStampMaxNanos = 4_000_000L;
        private long delayAfterStampMaxNanos = 2_000_000L;
        private long seed = 1;
        private Consumer<ReceivedEvent> onEvent = e -> { };
        private int failStatus;
        private String failMessage;

        private Builder(TimeSource phoneClock) {
            this.phoneClock = phoneClock;
        }

        /** Address to listen on (default loopback). */
        public Builder bind(InetAddress address) {
            this.bind = address;
            return this;
        }

        /** HTTP port (default 0: any free port). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Plays an app from before Time Echo: its status has no {@code time_echo_port}. */
        public Builder tooOld() {
            this.supportsTimeEcho = false;
            return this;
        }

        /**
         * The simulated processing of an event request: the phone stamps after a delay drawn
         * uniformly from {@code [beforeMin, beforeMax]} and answers after a further one from
         * {@code [0, afterMax]}, so the stamp falls somewhere inside the request's round trip.
         */
        public Builder processingDelay(long beforeMinNanos, long beforeMaxNanos, long afterMaxNanos) {
            if (beforeMinNanos < 0 || beforeMaxNanos < beforeMinNanos || afterMaxNanos < 0) {
                throw new IllegalArgumentException("processing delays must be 0 <= min <= max");
            }
            this.delayBeforeStampMinNanos = beforeMinNanos;
            this.delayBeforeStampMaxNanos = beforeMaxNanos;
            this.delayAfterStampMaxNanos = afterMaxNanos;
            return this;
        }

        /** Seed of the processing-delay draws. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Called on the HTTP thread for every event received, before the answer is sent. */
        public Builder onEvent(Consumer<ReceivedEvent> listener) {
            this.onEvent = listener;
            return this;
        }

        /** Every API call except {@code GET /api/status} answers HTTP {@code status} with {@code message}. */
        public Builder failWith(int status, String message) {
            this.failStatus = status;
            this.failMessage = message;
            return this;
        }

        public FakeCompanion start() throws IOException {
            return new FakeCompanion(this);
        }
    }

    private final TimeSource phoneClock;
    private final HttpServer http;
    private final ExecutorService workers;
    private final EchoServer echo;
    private final Builder options;
    private final SplittableRandom random;
    private final List<ReceivedEvent> events = new ArrayList<>();
    // Recording state, guarded by this.
    private String recordingId;
    private String recordingAction;
    private long recordingStartMonoNanos;
    private long recordingDurationNanos;

    private FakeCompanion(Builder b) throws IOException {
        this.options = b;
        this.phoneClock = b.phoneClock;
        this.random = new SplittableRandom(b.seed);
        this.echo = b.supportsTimeEcho ? EchoServer.start(phoneClock, new InetSocketAddress(b.bind, 0)) : null;
        try {
            this.http = HttpServer.create(new InetSocketAddress(b.bind, b.port), 64);
        } catch (IOException e) {
            if (echo != null) {
                echo.close();
            }
            throw e;
        }
        this.workers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-companion-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(workers);
        http.createContext("/api/status", ex -> handle(ex, "GET", this::status));
        http.createContext("/api/event", ex -> handle(ex, "POST", this::event));
        http.createContext("/api/recording:start", ex -> handle(ex, "POST", this::recordingStart));
        http.createContext("/api/recording:stop_and_save", ex -> handle(ex, "POST", e -> recordingStop(e, true)));
        http.createContext("/api/recording:cancel", ex -> handle(ex, "POST", e -> recordingStop(e, false)));
        http.createContext("/", ex -> {
            drain(ex);
            respond(ex, 404, "{\"message\":\"Not found\"}");
        });
        http.start();
    }

    /** Options for a fake app whose phone clock is {@code phoneClock}. */
    public static Builder builder(TimeSource phoneClock) {
        return new Builder(phoneClock);
    }

    /** A current Companion app on loopback whose phone clock is {@code phoneClock}. */
    public static FakeCompanion start(TimeSource phoneClock) throws IOException {
        return builder(phoneClock).start();
    }

    /** A Companion app from before Time Echo: its status has no {@code time_echo_port}. */
    public static FakeCompanion startTooOld() throws IOException {
        return builder(TimeSource.system()).tooOld().start();
    }

    /** Port of the HTTP API (what {@code neon://127.0.0.1:PORT} names). */
    public int httpPort() {
        return http.getAddress().getPort();
    }

    /** Address of the HTTP API. */
    public InetSocketAddress httpAddress() {
        return http.getAddress();
    }

    /** Port of the Time Echo server, or -1 for an app too old to have one. */
    public int timeEchoPort() {
        return echo == null ? -1 : echo.port();
    }

    /** Every event received so far, in order of arrival (including those a real app would discard). */
    public synchronized List<ReceivedEvent> events() {
        return List.copyOf(events);
    }

    /** True while a recording runs. */
    public synchronized boolean recording() {
        return "START".equals(recordingAction);
    }

    /** The id of the running or last recording, or null before the first. */
    public synchronized String recordingId() {
        return recordingId;
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private void handle(HttpExchange ex, String method, Handler handler) throws IOException {
        try {
            if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
                drain(ex);
                respond(ex, 404, "{\"message\":\"Not found\"}");
                return;
            }
            if (!method.equals(ex.getRequestMethod())) {
                drain(ex);
                respond(ex, 405, "{\"message\":\"Method not allowed\"}");
                return;
            }
            if (options.failStatus != 0 && !"GET".equals(method)) {
                drain(ex);
                respond(ex, options.failStatus, "{\"message\":" + FlatJson.quote(options.failMessage) + "}");
                return;
            }
            handler.handle(ex);
        } finally {
            ex.close();
        }
    }

    private void status(HttpExchange ex) throws IOException {
        drain(ex);
        String echoField = echo == null ? "" : ",\"time_echo_port\":" + echo.port();
        StringBuilder body = new StringBuilder("{\"message\":\"Success\",\"result\":["
                + "{\"model\":\"Phone\",\"data\":{\"battery_level\":87,\"battery_state\":\"OK\","
                + "\"device_id\":\"fake0001\",\"device_name\":\"Fake Companion\",\"ip\":\"127.0.0.1\","
                + "\"memory\":1000000000,\"memory_state\":\"OK\",\"port\":" + httpPort() + echoField + "}},"
                + "{\"model\":\"Hardware\",\"data\":{\"version\":\"2.0\",\"glasses_serial\":\"fake\","
                + "\"module_serial\":\"fake\"}},"
                + "{\"model\":\"Sensor\",\"data\":{\"sensor\":\"gaze\",\"conn_type\":\"DIRECT\",\"connected\":true}}");
        synchronized (this) {
            if (recordingId != null) {
                long duration = recording() ? phoneClock.monoNanos() - recordingStartMonoNanos : recordingDurationNanos;
                body.append(",{\"model\":\"Recording\",\"data\":{\"id\":\"").append(recordingId)
                        .append("\",\"action\":\"").append(recordingAction).append("\",\"message\":\"\",")
                        .append("\"rec_duration_ns\":").append(duration).append("}}");
            }
        }
        body.append("]}");
        respond(ex, 200, body.toString());
    }

    private void event(HttpExchange ex) throws IOException {
        String text = new String(readBody(ex), StandardCharsets.UTF_8);
        Map<String, Object> request;
        try {
            request = FlatJson.parseObject(text);
        } catch (FlatJson.Malformed e) {
            respond(ex, 400, "{\"message\":" + FlatJson.quote("Invalid JSON: " + e.getMessage()) + "}");
            return;
        }
        if (!(request.get("name") instanceof String name)) {
            respond(ex, 400, "{\"message\":\"Invalid event: 'name' must be a string\"}");
            return;
        }
        Object given = request.get("timestamp");
        if (given != null && !(given instanceof Long)) {
            respond(ex, 400, "{\"message\":\"Invalid event: 'timestamp' must be an integer (Unix ns)\"}");
            return;
        }
        long before;
        long after;
        synchronized (random) {
            before = options.delayBeforeStampMinNanos == options.delayBeforeStampMaxNanos
                    ? options.delayBeforeStampMinNanos
                    : random.nextLong(options.delayBeforeStampMinNanos, options.delayBeforeStampMaxNanos + 1);
            after = options.delayAfterStampMaxNanos == 0 ? 0 : random.nextLong(options.delayAfterStampMaxNanos + 1);
        }
        pause(before);
        long timestamp = given != null ? (Long) given
                : Math.floorDiv(phoneClock.wallNanos(), TIMESTAMP_RESOLUTION_NANOS) * TIMESTAMP_RESOLUTION_NANOS;
        ReceivedEvent received;
        synchronized (this) {
            received = new ReceivedEvent(name, timestamp, given == null, recording() ? recordingId : null);
            events.add(received);
        }
        options.onEvent.accept(received);
        pause(after);
        String recording = received.recordingId() == null ? "null" : "\"" + received.recordingId() + "\"";
        respond(ex, 200, "{\"message\":\"Event sent\",\"result\":{\"name\":" + FlatJson.quote(name)
                + ",\"recording_id\":" + recording + ",\"timestamp\":" + timestamp + "}}");
    }

    private void recordingStart(HttpExchange ex) throws IOException {
        drain(ex);
        String id;
        synchronized (this) {
            if (recording()) {
                id = null;
            } else {
                id = UUID.randomUUID().toString();
                recordingId = id;
                recordingAction = "START";
                recordingStartMonoNanos = phoneClock.monoNanos();
            }
        }
        if (id == null) {
            respond(ex, 500, "{\"message\":\"" + ALREADY_RECORDING + "\"}");
        } else {
            respond(ex, 200, "{\"message\":\"Recording started\",\"result\":{\"id\":\"" + id + "\"}}");
        }
    }

    private void recordingStop(HttpExchange ex, boolean save) throws IOException {
        drain(ex);
        String id = null;
        long duration = 0;
        synchronized (this) {
            if (recording()) {
                id = recordingId;
                duration = phoneClock.monoNanos() - recordingStartMonoNanos;
                recordingDurationNanos = duration;
                recordingAction = save ? "SAVE" : "DISCARD";
            }
        }
        if (id == null) {
            respond(ex, 500, "{\"message\":\"" + NOT_RECORDING + "\"}");
        } else if (save) {
            respond(ex, 200, "{\"message\":\"Recording stopped and saved\",\"result\":{\"id\":\"" + id
                    + "\",\"rec_duration_ns\":" + duration + "}}");
        } else {
            respond(ex, 200, "{\"message\":\"Recording cancelled\",\"result\":{\"id\":\"" + id + "\"}}");
        }
    }

    private static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return in.readNBytes(64 * 1024);
        }
    }

    private static void drain(HttpExchange ex) throws IOException {
        readBody(ex);
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
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (echo != null) {
            echo.close();
        }
    }
}
