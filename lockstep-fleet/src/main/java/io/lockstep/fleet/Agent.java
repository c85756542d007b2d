package io.lockstep.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import com.sun.net.httpserver.HttpHandler;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.SyncedClock;
import io.lockstep.fleet.chrony.ChronyView;
import io.lockstep.fleet.chrony.ChronyWatch;
import io.lockstep.log.OffsetLog;
import io.lockstep.net.EchoServer;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;

/**
 * The agent on one device: tracks a reference with the one tracking pipeline ({@link Tracker}),
 * serves its status ({@code GET /api/status}) and Prometheus metrics ({@code GET /metrics}) over
 * a {@link GuardedHttpServer} (connection caps and deadlines, see {@link HttpLimits}), optionally serves its own clock over NTP and Time Echo, and advertises
 * itself over DNS-SD. It never touches the system clock. Other parts of the fleet add resources
 * with {@link #route}. Thread-safe: readers may call any method from any thread.
 */
public final class Agent implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Agent.class.getName());
    private static final TimeSource SYSTEM = TimeSource.system();

    private final AgentConfig config;
    private final String host;
    private final Tracker tracker;
    private final OffsetLog log;
    private final GuardedHttpServer http;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final AtomicLongArray verdicts = new AtomicLongArray(SampleVerdict.values().length);
    private final long startMonoNanos = System.nanoTime();
    private NtpServer ntp;
    private EchoServer echo;
    private DnsSd.Advertisement advertisement;
    private boolean closed;
    private volatile ChronyWatch chrony;

    private Agent(AgentConfig config, Tracker tracker, OffsetLog log, GuardedHttpServer http) {
        this.config = config;
        this.host = hostName();
        this.tracker = tracker;
        this.log = log;
        this.http = http;
    }

    /**
     * Starts tracking, listening and (if configured) serving and advertising.
     *
     * @throws IOException when a port cannot be bound or the reference cannot be opened
     */
    public static Agent start(AgentConfig config) throws IOException {
        return start(config, HttpLimits.fromSystemProperties(HttpLimits.agentDefaults()));
    }

    /**
     * Starts as {@link #start(AgentConfig)} does, with these HTTP limits.
     *
     * @throws IOException when a port cannot be bound or the reference cannot be opened
     */
    public static Agent start(AgentConfig config, HttpLimits httpLimits) throws IOException {
        TrackingOptions options = TrackingOptions.defaults().withIntervalNanos(config.intervalNanos())
                .withLocal(config.local());
        OffsetLog log = config.log() == null ? null : OffsetLog.openAppend(config.log());
        if (log != null) {
            options = options.withSegmentBase(log.nextSegment());
        }
        Tracker tracker = null;
        GuardedHttpServer http = null;
        try {
            tracker = Tracker.open(config.reference(), options);
            http = GuardedHttpServer.bind("lockstep-agent", config.http(), httpLimits);
            Agent agent = new Agent(config, tracker, log, http);
            agent.startServing();
            return agent;
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            if (tracker != null) {
                tracker.close();
            }
            if (log != null) {
                log.close();
            }
            throw e;
        }
    }

    private void startServing() throws IOException {
        http.createContext("/", ex -> HttpReplies.error(ex, 404, "no such resource: " + ex.getRequestURI().getPath()));
        route(FleetApi.STATUS_PATH, ex -> {
            if (HttpReplies.isGet(ex, FleetApi.STATUS_PATH)) {
                HttpReplies.json(ex, 200, status().toJson());
            }
        });
        route(FleetApi.METRICS_PATH, ex -> {
            if (HttpReplies.isGet(ex, FleetApi.METRICS_PATH)) {
                HttpReplies.send(ex, 200, MetricsText.CONTENT_TYPE, metricsText());
            }
        });
        InetAddress bind = config.http().getAddress();
        try {
            if (config.ntpPort() != null) {
                ntp = NtpServer.start(NtpServerConfig.builder(config.local()).bindAddress(bind).port(config.ntpPort())
                        .build());
                servers.add(ntp);
            }
            if (config.echoPort() != null) {
                echo = EchoServer.start(config.local(), new InetSocketAddress(bind, config.echoPort()));
                servers.add(echo);
            }
        } catch (IOException e) {
            closeServers();
            throw e;
        }
        tracker.start(r -> {
            verdicts.incrementAndGet(r.verdict().ordinal());
            if (log != null) {
                log.append(r);
            }
        });
        http.start();
        if (config.advertise()) {
            // Announcing takes a second or two of probing; the agent is useful before that.
            Thread t = new Thread(this::advertise, "lockstep-agent-dnssd");
            t.setDaemon(true);
            t.start();
        }
    }

    private void advertise() {
        try {
            InetAddress bind = config.http().getAddress();
            DnsSd.Advertisement a = DnsSd.advertise(bind.isAnyLocalAddress() ? null : bind, config.name(),
                    httpAddress().getPort(), FleetApi.softwareVersion());
            synchronized (this) {
                if (closed) {
                    a.close();
                    return;
                }
                advertisement = a;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "DNS-SD advertisement failed: " + e.getMessage());
        }
    }

    /**
     * Adds a resource to the agent's HTTP API; requests for {@code path} and below reach
     * {@code handler} (check the exact path with {@link HttpReplies#isGet} or the like).
     */
    public void route(String path, HttpHandler handler) {
        // The server answers 500 for a handler that fails before answering, and closes the
        // connection on every path: an IOException (a client gone mid-answer) just ends it.
        http.createContext(path, handler);
    }

    /**
     * Shows the system clock as chronyd sees it beside the agent's own measurement in
     * {@link #status()} and the metrics, from now on; the agent closes the watch when it closes.
     */
    public void watchChrony(ChronyWatch watch) {
        ChronyWatch old = chrony;
        chrony = watch;
        if (old != null && old != watch) {
            old.close();
        }
    }

    /**
     * The status now: one clock view and one local clock reading, so offset, bound, drift, state
     * and sample age all describe the same instant and the same model.
     */
    public AgentStatus status() {
        long localWall = config.local().wallNanos();
        ClockReading r = tracker.clock().view().readingAt(localWall);
        long uptime = System.nanoTime() - startMonoNanos;
        String failure = tracker.lastFailure();
        if (r.state() == ClockState.UNSYNCED) {
            return withChrony(new AgentStatus(config.name(), FleetApi.softwareVersion(), FleetApi.API_VERSION, host,
                    config.reference().text(), ClockState.UNSYNCED, null, null, null, null, tracker.samples(),
                    tracker.dropped(), uptime, localWall, failure), null, null, localWall);
        }
        return withChrony(new AgentStatus(config.name(), FleetApi.softwareVersion(), FleetApi.API_VERSION, host,
                config.reference().text(), r.state(), r.offsetNanos(), r.errorBoundNanos(), r.driftPpm(),
                r.sampleAgeNanos(), tracker.samples(), tracker.dropped(), uptime, localWall, failure), r.offsetNanos(),
                r.errorBoundNanos(), localWall);
    }

    /**
     * Adds chrony's view, if a chronyd is watched and answered lately, beside the agent's own
     * measurement of the system clock: the agent's clock − reference plus system clock − agent's
     * clock, read at (nearly) the same instant.
     */
    private AgentStatus withChrony(AgentStatus s, Long offsetNanos, Long boundNanos, long localWallNanos) {
        ChronyWatch w = chrony;
        ChronyWatch.Reading r = w == null ? null : w.latest();
        if (r == null) {
            return s;
        }
        Long systemOffset = null;
        Long systemBound = null;
        if (offsetNanos != null) {
            long systemMinusLocal = SYSTEM.wallNanos() - localWallNanos;
            systemOffset = offsetNanos + systemMinusLocal;
            // The two reads are microseconds apart; a thread descheduled between them is not, so
            // that gap (measured again, after) widens the bound.
            long afterGap = Math.abs(SYSTEM.wallNanos() - config.local().wallNanos() - systemMinusLocal);
            systemBound = boundNanos + afterGap;
        }
        return s.withChrony(ChronyView.of(r.tracking(), System.nanoTime() - r.readMonoNanos(), systemOffset, systemBound));
    }

    /** The metrics text served at {@code /metrics}. */
    public String metricsText() {
        long[] counts = new long[verdicts.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = verdicts.get(i);
        }
        return MetricsText.write(status(), counts);
    }

    /** Where the HTTP API listens (with the port chosen when 0 was asked). */
    public InetSocketAddress httpAddress() {
        return http.address();
    }

    /** Where NTP serves the local clock, or null. */
    public InetSocketAddress ntpAddress() {
        return ntp == null ? null : ntp.localAddress();
    }

    /** Where Time Echo serves the local clock, or null. */
    public InetSocketAddress echoAddress() {
        return echo == null ? null : echo.address();
    }

    /** The HTTP server's limits (connections, deadlines, sizes). */
    public HttpLimits httpLimits() {
        return http.limits();
    }

    /** Connections the HTTP server holds open right now (benches and tests). */
    public int httpConnections() {
        return http.openConnections();
    }

    /** The configuration in effect. */
    public AgentConfig config() {
        return config;
    }

    /** The tracker following the reference. */
    public Tracker tracker() {
        return tracker;
    }

    /** The reference clock as seen from this device. */
    public SyncedClock clock() {
        return tracker.clock();
    }

    /** The device's own clock. */
    public TimeSource local() {
        return config.local();
    }

    /** Stops advertising, serving and tracking; closes the log. */
    @Override
    public void close() throws IOException {
        DnsSd.Advertisement a;
        synchronized (this) {
            closed = true;
            a = advertisement;
            advertisement = null;
        }
        if (a != null) {
            a.close();
        }
        http.close();
        ChronyWatch w = chrony;
        if (w != null) {
            w.close();
        }
        closeServers();
        tracker.close();
        if (log != null) {
            log.close();
        }
    }

    private void closeServers() {
        for (AutoCloseable s : servers) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing " + s + ": " + e);
            }
        }
        servers.clear();
    }

    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException ignored) {
            // Not Linux, or unreadable: ask the resolver instead.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
