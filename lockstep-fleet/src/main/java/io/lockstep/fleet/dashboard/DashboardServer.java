package io.lockstep.fleet.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpExchange;

import io.lockstep.fleet.GuardedHttpServer;
import io.lockstep.fleet.HttpLimits;

/**
 * The fleet dashboard's web server (a {@link GuardedHttpServer}, with the dashboard's
 * {@link HttpLimits}): the page, its
 * script and style, uPlot from its WebJar on the classpath (nothing is fetched from the internet),
 * the newest frame ({@code GET /api/fleet}), the history of the last minutes
 * ({@code GET /api/history}) and a server-sent event stream with one frame per publish
 * ({@code GET /events}). Whoever polls the fleet calls {@link #publish}; this class only keeps
 * and serves. Each connection has its own thread, within the server's connection caps; at most
 * {@link #MAX_EVENT_CLIENTS} event streams are served at once. Thread-safe.
 */
public final class DashboardServer implements AutoCloseable {

    /** Event-stream clients served at once; more get 503, so plain requests keep their connections. */
    public static final int MAX_EVENT_CLIENTS = 24;
    private static final long HEARTBEAT_NANOS = 2_000_000_000L;
    private static final String UPLOT_FALLBACK_VERSION = "1.6.30";
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; frame-ancestors 'none'";

    private final GuardedHttpServer http;
    private final EventStream events = new EventStream(MAX_EVENT_CLIENTS, HEARTBEAT_NANOS);
    private final FrameHistory history;
    private final long windowNanos;
    private final Map<String, Resource> resources;
    private final AtomicBoolean closed = new AtomicBoolean();

    private record Resource(String contentType, byte[] body) {
    }

    private DashboardServer(GuardedHttpServer http, int historyFrames, long windowNanos,
                            Map<String, Resource> resources) {
        this.http = http;
        this.history = new FrameHistory(historyFrames);
        this.windowNanos = windowNanos;
        this.resources = resources;
    }

    /**
     * Starts serving on {@code address} (port 0 picks a free port).
     *
     * @param historyFrames frames kept for a newly opened page (e.g. 300 for five minutes at 1 Hz)
     * @param windowNanos   the time span the page's plot shows
     */
    public static DashboardServer start(InetSocketAddress address, int historyFrames, long windowNanos)
            throws IOException {
        return start(address, historyFrames, windowNanos,
                HttpLimits.fromSystemProperties(HttpLimits.dashboardDefaults()));
    }

    /** Starts as {@link #start(InetSocketAddress, int, long)} does, with these HTTP limits. */
    public static DashboardServer start(InetSocketAddress address, int historyFrames, long windowNanos,
                                        HttpLimits limits) throws IOException {
        Map<String, Resource> resources = loadResources();
        GuardedHttpServer http = GuardedHttpServer.bind("lockstep-dashboard", address, limits);
        DashboardServer server = new DashboardServer(http, historyFrames, windowNanos, resources);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    /** Where the server listens (with the chosen port). */
    public InetSocketAddress address() {
        return http.address();
    }

    /** Adds a frame to the history (replacing the newest if it is of the same poll) and sends it to every open page. */
    public void publish(DashboardFrame frame) {
        DashboardFrame latest = history.latest();
        if (latest != null && latest.wallNanos() == frame.wallNanos()) {
            // The same poll again (say, with news of a firing): one point in the plot, not two.
            history.replaceLatest(frame);
        } else {
            history.add(frame);
        }
        events.publish(DashboardJson.frame(frame));
    }

    /** The newest published frame, or null before the first. */
    public DashboardFrame latest() {
        return history.latest();
    }

    /** Open event streams (pages) right now. */
    public int eventClients() {
        return events.clients();
    }

    /** The event stream, for waiting on clients in tests and at shutdown. */
    public EventStream eventStream() {
        return events;
    }

    /** Connections open right now (each holds one thread). */
    public int handlerThreads() {
        return http.openConnections();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        events.close();
        try {
            // Streams end on their own threads once told; only one stuck in a write needs its socket closed.
            events.awaitClientsAtMost(0, 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // Nothing here takes a body; drained without keeping it, so the connection can be reused.
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String path = exchange.getRequestURI().getPath();
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            json(exchange, 405, "{\"error\":\"only GET is served here\"}");
            return;
        }
        switch (path) {
            case "/events" -> events.serve(exchange);
            case "/api/fleet" -> {
                DashboardFrame latest = history.latest();
                if (latest == null) {
                    json(exchange, 503, "{\"error\":\"no poll of the fleet yet\"}");
                } else {
                    json(exchange, 200, DashboardJson.frame(latest));
                }
            }
            case "/api/history" -> json(exchange, 200,
                    DashboardJson.history(history.frames(), windowNanos));
            default -> {
                Resource r = resources.get(path.equals("/") ? "/index.html" : path);
                if (r == null) {
                    json(exchange, 404, "{\"error\":\"not found\"}");
                } else {
                    respond(exchange, 200, r.contentType(), r.body());
                }
            }
        }
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        // Device names come from the network (DNS-SD, agents): the page writes them as text only,
        // and no script but the page's own may run.
        exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    /** The page's files and uPlot, read once from the classpath (about 60 KB in all). */
    private static Map<String, Resource> loadResources() {
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        String own = "io/lockstep/fleet/dashboard/";
        return Map.of(
                "/index.html", new Resource("text/html; charset=utf-8", read(own + "index.html")),
                "/dashboard.js", new Resource("text/javascript; charset=utf-8", read(own + "dashboard.js")),
                "/dashboard.css", new Resource("text/css; charset=utf-8", read(own + "dashboard.css")),
                "/favicon.svg", new Resource("image/svg+xml", read(own + "favicon.svg")),
                "/uplot/uPlot.iife.min.js", new Resource("text/javascript; charset=utf-8", read(uplot + "uPlot.iife.min.js")),
                "/uplot/uPlot.min.css", new Resource("text/css; charset=utf-8", read(uplot + "uPlot.min.css")));
    }

    /** The WebJar's version from its Maven metadata, so a dependency upgrade needs no code change. */
    private static String uplotVersion() {
        try (InputStream in = DashboardServer.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                return UPLOT_FALLBACK_VERSION;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", UPLOT_FALLBACK_VERSION);
        } catch (IOException e) {
            return UPLOT_FALLBACK_VERSION;
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the classpath: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
