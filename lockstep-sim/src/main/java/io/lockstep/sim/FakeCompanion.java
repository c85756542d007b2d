package io.lockstep.sim;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import io.lockstep.net.EchoServer;
import io.lockstep.time.TimeSource;

/**
 * A stand-in for a Pupil Labs Companion app (Neon / Pupil Invisible) that answers the app's
 * real-time API as the app does, on a simulated phone clock. Thread-safe; close it to free its
 * ports and withdraw its mDNS advertisement.
 *
 * <p>What it follows (the Pupil Labs realtime-network-api OpenAPI description, neon v2.1.0, and
 * how Pupil Labs' Python client and multi-phone tool read it); HTTP bodies are JSON envelopes
 * {@code {"message": TEXT, "result": ...}}; the field names and types are pinned by
 * {@code companion-api-facts.txt} in the tests:
 * <ul>
 * <li>{@code GET /api/status}: {@code result} is a list of components {@code {"model", "data"}}:
 *     {@code Phone} ({@code ip} the address the app is bound to, or for a wildcard bind this
 *     host's first non-loopback IPv4 address; {@code port}, battery, free storage, and
 *     {@code time_echo_port}, left out by an app too old for Time Echo), {@code Hardware}
 *     (a Neon module), ten {@code Sensor}s (world, gaze, imu, eyes, eye_events, each DIRECT and
 *     WEBSOCKET, with protocol, ip, port and params as a Neon lists them; {@code connected} false
 *     unless {@link Builder#sensorsConnected}, since the stand-in streams nothing), and
 *     {@code Recording} ({@code id}, {@code action} START, {@code message}, {@code rec_duration_ns})
 *     only while a recording runs.
 * <li>The same path upgrades to a WebSocket (Jetty's): on connect the app sends each current
 *     component as one text message {@code {"model", "data"}}, then every change: Recording
 *     START on start, STOP then SAVE (or DISCARD) on stop, Phone when battery or storage change,
 *     and Event for each event saved in a recording.
 * <li>{@code POST /api/event} with {@code {"name": TEXT, "timestamp": UNIX_NS}}: without a
 *     timestamp the phone stamps the event when it has read the request, after a simulated HTTP
 *     processing delay, with its own clock truncated to whole milliseconds (the app stamps with
 *     Android's millisecond wall clock: its documented example answer is
 *     {@code timestamp_unix_ns=1744271292116000000}); a given timestamp is kept as sent. The
 *     answer is {@code {"message": ..., "result": {"recording_id", "timestamp"}}} (the app does
 *     not echo the name; Pupil Labs' client fills it in itself); {@code recording_id} is null
 *     when no recording runs (the real app then discards the event).
 * <li>{@code POST /api/recording:start} answers {@code result.id}; {@code :stop_and_save}
 *     {@code result.id} and {@code result.rec_duration_ns}; {@code :cancel} {@code result.id}.
 *     A refusal is HTTP 500 with {@code {"message": REASON}} as the OpenAPI description says
 *     ("Recording already running", "Recording not running", "Low battery", "Low storage").
 * <li>{@code GET /api/template_def} answers the active template (one object, as the app sends it
 *     and Pupil Labs' client reads it; the OpenAPI file says a list); {@code GET} and
 *     {@code POST /api/template_data} the answers, {@code {"item id": ["answer", ...]}}
 *     (404 for an unknown item, 400 for an answer it cannot take).
 * <li>Malformed requests answer 400, unknown paths 404, wrong methods 405, each with a message.
 * <li>With {@link Builder#advertise} it is announced over mDNS as {@code PI monitor:NAME:ID}, an
 *     {@code _http._tcp} service, which Pupil Labs' {@code discover_devices} finds.
 * </ul>
 * {@link Builder#failWith} makes every API call but status answer a chosen error, to rehearse a
 * phone whose app is in trouble. Battery at or below {@value #BATTERY_CRITICAL_PERCENT} % is
 * CRITICAL (below {@value #BATTERY_LOW_PERCENT} % LOW), free storage below
 * {@value #MEMORY_CRITICAL_BYTES} bytes CRITICAL (below {@value #MEMORY_LOW_BYTES} LOW): the
 * stand-in's thresholds, the app does not publish its own.
 */
public final class FakeCompanion implements AutoCloseable {

    /** Resolution of the timestamps the app gives events it stamps itself: 1 ms (truncated). */
    public static final long TIMESTAMP_RESOLUTION_NANOS = 1_000_000L;

    /** The message of a refused {@code recording:start}. */
    public static final String ALREADY_RECORDING = "Recording already running";
    /** The message of a refused {@code recording:stop_and_save} or {@code :cancel}. */
    public static final String NOT_RECORDING = "Recording not running";
    /** The message of a {@code recording:start} refused for a CRITICAL battery. */
    public static final String LOW_BATTERY = "Low battery";
    /** The message of a {@code recording:start} refused for CRITICAL storage. */
    public static final String LOW_STORAGE = "Low storage";

    /** Battery percentage at or below which the state is CRITICAL. */
    public static final int BATTERY_CRITICAL_PERCENT = 5;
    /** Battery percentage below which the state is LOW. */
    public static final int BATTERY_LOW_PERCENT = 15;
    /** Free storage (bytes) below which the state is CRITICAL. */
    public static final long MEMORY_CRITICAL_BYTES = 512L << 20;
    /** Free storage (bytes) below which the state is LOW. */
    public static final long MEMORY_LOW_BYTES = 4L << 30;

    /** The sensors a Neon lists, each once per connection type. */
    static final List<String> SENSORS = List.of("world", "gaze", "imu", "eyes", "eye_events");
    /** RTSP ports a Neon lists for direct and for WebSocket-tunnelled streams. */
    static final int RTSP_DIRECT_PORT = 8086;
    static final int RTSP_WEBSOCKET_PORT = 8686;

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
        private String deviceName = "Neon Companion";
        private String deviceId;
        private int batteryPercent = 87;
        private long memoryBytes = 99_877_777_408L;
        private boolean sensorsConnected;
        private boolean advertise;

        private Builder(TimeSource phoneClock) {
            this.phoneClock = phoneClock;
        }

        /** Address to listen on (default loopback); it is what {@code Phone.ip} reports. */
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

        /** The phone's name (default "Neon Companion", the app's default). */
        public Builder deviceName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a device name must not be blank");
            }
            this.deviceName = name;
            return this;
        }

        /** The phone's hardware id, 16 hex digits as the app reports it (default random). */
        public Builder deviceId(String id) {
            if (id == null || !id.matches("[0-9a-f]{16}")) {
                throw new IllegalArgumentException("a device id is 16 lower-case hex digits: " + id);
            }
            this.deviceId = id;
            return this;
        }

        /** Battery level in percent (default 87). */
        public Builder battery(int percent) {
            this.batteryPercent = checkBattery(percent);
            return this;
        }

        /** Free storage in bytes (default about 100 GB). */
        public Builder memory(long bytes) {
            this.memoryBytes = checkMemory(bytes);
            return this;
        }

        /** Lists the sensors as connected, as a phone with glasses streaming does (default not). */
        public Builder sensorsConnected(boolean connected) {
            this.sensorsConnected = connected;
            return this;
        }

        /** Announces the app over mDNS as the real app does (default off). */
        public Builder advertise(boolean advertise) {
            this.advertise = advertise;
            return this;
        }

        public FakeCompanion start() throws IOException {
            return new FakeCompanion(this);
        }
    }

    private final TimeSource phoneClock;
    private final Server server;
    private final ServerConnector connector;
    private final EchoServer echo;
    private final Builder options;
    private final SplittableRandom random;
    private final String deviceId;
    private final String phoneIp;
    private final CompanionTemplate template = new CompanionTemplate();
    private final CompanionAdvert advert;
    // Guarded by this: events, sockets, the phone's health and the recording state.
    private final List<ReceivedEvent> events = new ArrayList<>();
    private final Set<StatusSocket> sockets = new LinkedHashSet<>();
    private int batteryPercent;
    private long memoryBytes;
    private boolean recording;
    private String recordingId;
    private long recordingStartMonoNanos;

    private FakeCompanion(Builder b) throws IOException {
        this.options = b;
        this.phoneClock = b.phoneClock;
        this.random = new SplittableRandom(b.seed);
        this.deviceId = b.deviceId != null ? b.deviceId
                : String.format(Locale.ROOT, "%016x", UUID.randomUUID().getMostSignificantBits());
        this.batteryPercent = b.batteryPercent;
        this.memoryBytes = b.memoryBytes;
        this.phoneIp = reachableAddress(b.bind);
        this.echo = b.supportsTimeEcho ? EchoServer.start(phoneClock, new InetSocketAddress(b.bind, 0)) : null;
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("fake-companion-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(b.bind.getHostAddress());
        connector.setPort(b.port);
        server.addConnector(connector);
        WebSocketUpgradeHandler upgrade = new WebSocketUpgradeHandler();
        upgrade.addMapping("/api/status", (request, response, callback) -> new StatusSocket(this::opened, this::closed));
        upgrade.setHandler(new Api());
        server.setHandler(upgrade);
        // No graceful wait on close: clients' idle keep-alive connections would hold it a second.
        server.setStopTimeout(0);
        CompanionAdvert started = null;
        try {
            server.start();
            if (b.advertise) {
                started = CompanionAdvert.start(InetAddress.getByName(phoneIp), b.deviceName, deviceId, httpPort());
            }
        } catch (Exception e) {
            IOException failure = e instanceof IOException io ? io
                    : new IOException("cannot start the Companion app: " + e, e);
            try {
                stopQuietly();
            } catch (IOException suppressed) {
                failure.addSuppressed(suppressed);
            }
            throw failure;
        }
        this.advert = started;
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
        return connector.getLocalPort();
    }

    /** Address of the HTTP API. */
    public InetSocketAddress httpAddress() {
        return new InetSocketAddress(options.bind, httpPort());
    }

    /** What the app reports as {@code Phone.ip}: where clients dial it and its Time Echo port. */
    public String phoneIp() {
        return phoneIp;
    }

    /** The phone's hardware id ({@code Phone.device_id}). */
    public String deviceId() {
        return deviceId;
    }

    /** The mDNS service instance name the app advertises (or would), {@code PI monitor:NAME:ID}. */
    public String serviceName() {
        return CompanionAdvert.serviceName(options.deviceName, deviceId);
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
        return recording;
    }

    /** The id of the running or last recording, or null before the first. */
    public synchronized String recordingId() {
        return recordingId;
    }

    /** Sets the battery level; WebSocket clients get the new Phone component. */
    public synchronized void battery(int percent) {
        batteryPercent = checkBattery(percent);
        push(phone());
    }

    /** Sets the free storage; WebSocket clients get the new Phone component. */
    public synchronized void memory(long bytes) {
        memoryBytes = checkMemory(bytes);
        push(phone());
    }

    /** WebSocket clients connected to {@code /api/status} now. */
    public synchronized int statusClients() {
        return sockets.size();
    }

    private static int checkBattery(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("battery level is 0-100 %: " + percent);
        }
        return percent;
    }

    private static long checkMemory(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("free storage cannot be negative: " + bytes);
        }
        return bytes;
    }

    /**
     * The address a client reaches the app at: the bound one, or for a wildcard bind this host's
     * first non-loopback IPv4 address (a phone reports its Wi-Fi address), else loopback.
     */
    static String reachableAddress(InetAddress bind) {
        if (!bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // No interface list: loopback is still reachable.
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    // ---- components, in the shapes of the app's status list; callers hold this ----

    private static String state(boolean critical, boolean low) {
        return critical ? "CRITICAL" : low ? "LOW" : "OK";
    }

    private boolean batteryCritical() {
        return batteryPercent <= BATTERY_CRITICAL_PERCENT;
    }

    private boolean memoryCritical() {
        return memoryBytes < MEMORY_CRITICAL_BYTES;
    }

    private Map<String, Object> phone() {
        Map<String, Object> data = CompanionJson.object("battery_level", batteryPercent, "battery_state",
                state(batteryCritical(), batteryPercent < BATTERY_LOW_PERCENT), "device_id", deviceId, "device_name",
                options.deviceName, "ip", phoneIp, "memory", memoryBytes, "memory_state",
                state(memoryCritical(), memoryBytes < MEMORY_LOW_BYTES), "port", httpPort());
        if (echo != null) {
            data.put("time_echo_port", echo.port());
        }
        return CompanionJson.object("model", "Phone", "data", data);
    }

    private Map<String, Object> hardware() {
        // A Neon module; the two Pupil Invisible serials read -1 on a Neon.
        String module = String.format(Locale.ROOT, "%06d", Math.floorMod(deviceId.hashCode(), 1_000_000));
        return CompanionJson.object("model", "Hardware", "data", CompanionJson.object("version", "2.0",
                "glasses_serial", "-1", "world_camera_serial", "-1", "module_serial", module));
    }

    private List<Map<String, Object>> sensors() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (String connType : List.of("DIRECT", "WEBSOCKET")) {
            boolean direct = connType.equals("DIRECT");
            for (String sensor : SENSORS) {
                list.add(CompanionJson.object("model", "Sensor", "data", CompanionJson.object("sensor", sensor,
                        "conn_type", connType, "connected", options.sensorsConnected, "ip", phoneIp, "params",
                        "camera=" + sensor + "&audioenable=" + (direct ? "on" : "off"), "port",
                        direct ? RTSP_DIRECT_PORT : RTSP_WEBSOCKET_PORT, "protocol", "rtsp", "stream_error", false)));
            }
        }
        return list;
    }

    private Map<String, Object> recordingComponent(String action, long durationNanos) {
        return CompanionJson.object("model", "Recording", "data", CompanionJson.object("id", recordingId, "action",
                action, "message", "", "rec_duration_ns", durationNanos));
    }

    private List<Map<String, Object>> components() {
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(phone());
        list.add(hardware());
        list.addAll(sensors());
        if (recording) {
            list.add(recordingComponent("START", phoneClock.monoNanos() - recordingStartMonoNanos));
        }
        return list;
    }

    /** Sends one component to every WebSocket client; the caller holds this, which keeps the order. */
    private void push(Map<String, Object> component) {
        if (sockets.isEmpty()) {
            return;
        }
        String text = CompanionJson.write(component);
        for (StatusSocket s : sockets) {
            s.send(text);
        }
    }

    private synchronized void opened(StatusSocket socket) {
        // Under the same lock as every change: a client sees the state, then each change once.
        sockets.add(socket);
        for (Map<String, Object> c : components()) {
            socket.send(CompanionJson.write(c));
        }
    }

    private synchronized void closed(StatusSocket socket) {
        sockets.remove(socket);
    }

    // ---- the HTTP API ----

    /** An answer: HTTP code and JSON body. */
    private record Answer(int code, String body) {
        static Answer of(int code, String message, Object result) {
            return new Answer(code, CompanionJson.write(CompanionJson.object("message", message, "result", result)));
        }

        static Answer message(int code, String message) {
            return new Answer(code, CompanionJson.write(CompanionJson.object("message", message)));
        }
    }

    /** Routes the API; blocking (event stamping pauses), so Jetty runs it on a pool thread. */
    private final class Api extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            String allowed = switch (path) {
                case "/api/status", "/api/template_def" -> "GET";
                case "/api/event", "/api/recording:start", "/api/recording:stop_and_save", "/api/recording:cancel" ->
                    "POST";
                case "/api/template_data" -> "GET POST";
                default -> null;
            };
            byte[] body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = in.readNBytes(64 * 1024);
            }
            Answer answer;
            if (allowed == null) {
                answer = Answer.message(404, "Not found");
            } else if (!List.of(allowed.split(" ")).contains(method)) {
                answer = Answer.message(405, "Method not allowed");
            } else if (options.failStatus != 0 && !"/api/status".equals(path)) {
                answer = Answer.message(options.failStatus, options.failMessage);
            } else {
                String text = new String(body, StandardCharsets.UTF_8);
                answer = switch (path) {
                    case "/api/status" -> status();
                    case "/api/event" -> event(text);
                    case "/api/recording:start" -> recordingStart();
                    case "/api/recording:stop_and_save" -> recordingStop(true);
                    case "/api/recording:cancel" -> recordingStop(false);
                    case "/api/template_def" -> Answer.of(200, "Success", template.definition());
                    default -> "GET".equals(method) ? Answer.of(200, "Success", template.data()) : templateData(text);
                };
            }
            response.setStatus(answer.code());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    private synchronized Answer status() {
        return Answer.of(200, "Success", components());
    }

    private Answer event(String text) {
        Map<String, Object> request;
        try {
            request = FlatJson.parseObject(text);
        } catch (FlatJson.Malformed e) {
            return Answer.message(400, "Invalid JSON: " + e.getMessage());
        }
        if (!(request.get("name") instanceof String name)) {
            return Answer.message(400, "Invalid event: 'name' must be a string");
        }
        Object given = request.get("timestamp");
        if (given != null && !(given instanceof Long)) {
            return Answer.message(400, "Invalid event: 'timestamp' must be an integer (Unix ns)");
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
            received = new ReceivedEvent(name, timestamp, given == null, recording ? recordingId : null);
            events.add(received);
            if (received.recordingId() != null) {
                push(CompanionJson.object("model", "Event", "data", CompanionJson.object("name", name,
                        "recording_id", received.recordingId(), "timestamp", timestamp)));
            }
        }
        options.onEvent.accept(received);
        pause(after);
        return Answer.of(200, "Event sent",
                CompanionJson.object("recording_id", received.recordingId(), "timestamp", timestamp));
    }

    private synchronized Answer recordingStart() {
        if (recording) {
            return Answer.message(500, ALREADY_RECORDING);
        }
        if (batteryCritical()) {
            return Answer.message(500, LOW_BATTERY);
        }
        if (memoryCritical()) {
            return Answer.message(500, LOW_STORAGE);
        }
        recording = true;
        recordingId = UUID.randomUUID().toString();
        recordingStartMonoNanos = phoneClock.monoNanos();
        push(recordingComponent("START", 0));
        return Answer.of(200, "Recording started", CompanionJson.object("id", recordingId));
    }

    private synchronized Answer recordingStop(boolean save) {
        if (!recording) {
            return Answer.message(500, NOT_RECORDING);
        }
        long duration = phoneClock.monoNanos() - recordingStartMonoNanos;
        recording = false;
        push(recordingComponent("STOP", duration));
        push(recordingComponent(save ? "SAVE" : "DISCARD", duration));
        return save
                ? Answer.of(200, "Recording stopped and saved",
                        CompanionJson.object("id", recordingId, "rec_duration_ns", duration))
                : Answer.of(200, "Recording cancelled", CompanionJson.object("id", recordingId));
    }

    private Answer templateData(String text) {
        try {
            return Answer.of(200, "Template data updated", template.update(CompanionJson.readAnswers(text)));
        } catch (FlatJson.Malformed e) {
            return Answer.message(400, "Invalid JSON: " + e.getMessage());
        } catch (CompanionTemplate.Refused e) {
            return Answer.of(e.code, e.getMessage(), template.data());
        }
    }

    private static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private void stopQuietly() throws IOException {
        try {
            server.stop();
        } catch (Exception e) {
            // Closing anyway: the ports are freed or were never taken.
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Override
    public void close() throws IOException {
        if (advert != null) {
            advert.close();
        }
        List<StatusSocket> open;
        synchronized (this) {
            open = List.copyOf(sockets);
        }
        for (StatusSocket s : open) {
            s.close();
        }
        stopQuietly();
    }
}
