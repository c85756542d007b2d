package io.lockstep.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;

/**
 * The monitor: polls every device about once a second and publishes an immutable
 * {@link FleetSnapshot}. Agents are read over HTTP (their own tracker did the measuring);
 * agentless {@code ntp://} and {@code neon://} devices are tracked from the monitor, which also
 * tracks the reference, so that device − reference = (monitor − reference) − (monitor − device),
 * the two bounds added. No device's failure stops the monitor: it becomes the device row's
 * one-line reason. Thread-safe: {@link #pollOnce()}, {@link #latest()} and listeners may be used
 * from any thread; listeners run on the polling thread (keep them quick).
 */
public final class FleetMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FleetMonitor.class.getName());

    /** Finds the devices to watch: a fleet file, a scan, a DNS-SD browse, or a fixed list. */
    @FunctionalInterface
    public interface DeviceSource {
        List<Device> devices() throws IOException, InterruptedException;
    }

    /**
     * How the monitor works.
     *
     * @param source          where the devices come from
     * @param reference       the reference agentless devices are measured against; null when there are none
     * @param toleranceNanos  the largest spread the fleet may have
     * @param pollNanos       time between polls (about 1 s)
     * @param timeoutNanos    how long one agent may take to answer
     * @param rediscoverNanos how often the source is asked again while polling (0: only at start)
     * @param local           the monitor's clock
     */
    public record Config(DeviceSource source, Target reference, long toleranceNanos, long pollNanos, long timeoutNanos,
                         long rediscoverNanos, TimeSource local) {

        /** One frame at 24 fps, 41.7 ms: the default tolerance. */
        public static final long DEFAULT_TOLERANCE_NANOS = 41_700_000L;

        public Config {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(local, "local");
            if (toleranceNanos < 0 || pollNanos <= 0 || timeoutNanos <= 0 || rediscoverNanos < 0) {
                throw new IllegalArgumentException("tolerance, poll interval and timeout must be positive");
            }
        }

        /**
         * How long one agent may take to answer unless told otherwise: long enough for a busy
         * device, short enough that a silent one is reported within 3 s (one poll interval plus this).
         */
        public static final long DEFAULT_TIMEOUT_NANOS = 1_500_000_000L;

        /** Polls every second, {@link #DEFAULT_TIMEOUT_NANOS} per request, the default tolerance, never rediscovers. */
        public static Config of(DeviceSource source, Target reference) {
            return new Config(source, reference, DEFAULT_TOLERANCE_NANOS, 1_000_000_000L, DEFAULT_TIMEOUT_NANOS, 0,
                    TimeSource.system());
        }

        public Config withToleranceNanos(long nanos) {
            return new Config(source, reference, nanos, pollNanos, timeoutNanos, rediscoverNanos, local);
        }

        public Config withPollNanos(long nanos) {
            return new Config(source, reference, toleranceNanos, nanos, timeoutNanos, rediscoverNanos, local);
        }

        public Config withTimeoutNanos(long nanos) {
            return new Config(source, reference, toleranceNanos, pollNanos, nanos, rediscoverNanos, local);
        }

        public Config withRediscoverNanos(long nanos) {
            return new Config(source, reference, toleranceNanos, pollNanos, timeoutNanos, nanos, local);
        }
    }

    /** A tracker from the monitor to one agentless clock, reopened after failures. */
    private final class Tracked {
        final Target target;
        Tracker tracker;
        String openError;
        long nextOpenMonoNanos;

        Tracked(Target target) {
            this.target = target;
        }

        synchronized void ensureOpen() {
            if (tracker != null || closed || System.nanoTime() - nextOpenMonoNanos < 0) {
                return;
            }
            try {
                tracker = Tracker.open(target, TrackingOptions.defaults().withIntervalNanos(config.pollNanos())
                        .withLocal(config.local())).start();
                openError = null;
            } catch (IOException | RuntimeException e) {
                openError = "unreachable: " + e.getMessage();
                nextOpenMonoNanos = System.nanoTime() + 5_000_000_000L;
            }
        }

        synchronized void close() {
            if (tracker != null) {
                try {
                    tracker.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing tracker of " + target + ": " + e);
                }
                tracker = null;
            }
        }
    }

    private final Config config;
    private final AgentClient client;
    /** Reads phones' {@code /api/status} off the polling thread (the Companion client blocks); daemon threads. */
    private final java.util.concurrent.ExecutorService phoneReads = java.util.concurrent.Executors.newFixedThreadPool(8,
            r -> {
                Thread t = new Thread(r, "lockstep-fleet-phone-status");
                t.setDaemon(true);
                return t;
            });
    private final Tracked referenceTracker;
    private final Map<String, Tracked> agentless = new HashMap<>();
    /** Per phone target, the follower of its status WebSocket (for its last event); guarded by this. */
    private final Map<String, PhoneEvents> phoneEvents = new HashMap<>();
    private java.net.http.HttpClient phoneSockets;
    private final List<Consumer<FleetSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<Device> devices;
    private volatile FleetSnapshot latest;
    private volatile boolean closed;
    private Thread poller;
    private Thread rediscoverer;

    private FleetMonitor(Config config, List<Device> devices) {
        this.config = config;
        this.client = new AgentClient(config.timeoutNanos());
        this.referenceTracker = config.reference() == null ? null : new Tracked(config.reference());
        this.devices = List.copyOf(devices);
    }

    /**
     * Finds the devices and opens trackers for the agentless ones and the reference; does not
     * poll yet (call {@link #pollOnce()}, or {@link #start()} for polling in the background).
     *
     * @throws IllegalArgumentException when agentless devices are listed without a reference
     * @throws IOException              when the device source fails (an unreadable fleet file, say)
     */
    public static FleetMonitor open(Config config) throws IOException, InterruptedException {
        List<Device> devices = config.source().devices();
        FleetMonitor m = new FleetMonitor(config, devices);
        m.checkReference(devices);
        m.adopt(devices);
        return m;
    }

    private void checkReference(List<Device> list) {
        if (config.reference() == null) {
            for (Device d : list) {
                if (d.kind() != Device.Kind.AGENT) {
                    throw new IllegalArgumentException(d.target() + " is measured from the monitor, which needs "
                            + "--reference TARGET to compare it with (agents track their own reference)");
                }
            }
        }
    }

    private synchronized void adopt(List<Device> list) {
        boolean anyAgentless = false;
        for (Device d : list) {
            if (d.clock() != null) {
                anyAgentless = true;
                agentless.computeIfAbsent(d.clock().text(), k -> new Tracked(d.clock())).ensureOpen();
            }
        }
        if (anyAgentless && referenceTracker != null) {
            referenceTracker.ensureOpen();
        }
        devices = List.copyOf(list);
    }

    /** The devices watched now. */
    public List<Device> devices() {
        return devices;
    }

    /** The configuration in effect. */
    public Config config() {
        return config;
    }

    /** Starts polling every {@link Config#pollNanos()} on a daemon thread (and rediscovering, if configured). */
    public synchronized FleetMonitor start() {
        if (poller != null || closed) {
            throw new IllegalStateException("monitor already started or closed");
        }
        poller = new Thread(this::pollLoop, "lockstep-fleet-poll");
        poller.setDaemon(true);
        poller.start();
        if (config.rediscoverNanos() > 0) {
            rediscoverer = new Thread(this::rediscoverLoop, "lockstep-fleet-discover");
            rediscoverer.setDaemon(true);
            rediscoverer.start();
        }
        return this;
    }

    /** Adds a listener that receives every snapshot (on the polling thread). */
    public void addListener(Consumer<FleetSnapshot> listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(Consumer<FleetSnapshot> listener) {
        listeners.remove(listener);
    }

    /** The latest snapshot, or null before the first poll. */
    public FleetSnapshot latest() {
        return latest;
    }

    private void pollLoop() {
        long due = System.nanoTime();
        while (!closed) {
            try {
                FleetSnapshot s = pollOnce();
                for (Consumer<FleetSnapshot> l : listeners) {
                    try {
                        l.accept(s);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "fleet listener failed: " + e);
                    }
                }
                due += config.pollNanos();
                long wait = due - System.nanoTime();
                if (wait < 0) {
                    due = System.nanoTime();
                } else {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug in one poll must not end monitoring; log it and try again next time.
                LOG.log(System.Logger.Level.WARNING, "fleet poll failed: " + e);
                try {
                    TimeUnit.NANOSECONDS.sleep(config.pollNanos());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void rediscoverLoop() {
        while (!closed) {
            try {
                TimeUnit.NANOSECONDS.sleep(config.rediscoverNanos());
                List<Device> found = config.source().devices();
                checkReference(found);
                adopt(found);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "finding devices failed: " + e.getMessage());
            }
        }
    }

    /**
     * Polls every device now and returns (and publishes as {@link #latest()}) the snapshot. Takes
     * at most about the request timeout, however many agents fail.
     */
    public FleetSnapshot pollOnce() throws InterruptedException {
        List<Device> list = devices;
        List<CompletableFuture<AgentClient.Result>> pending = new ArrayList<>(list.size());
        List<CompletableFuture<PhoneHealth>> phones = new ArrayList<>(list.size());
        for (Device d : list) {
            pending.add(d.kind() == Device.Kind.AGENT ? client.status(d.host(), d.port()) : null);
            phones.add("neon".equals(d.via()) ? readPhone(d) : null);
        }
        long localWall = config.local().wallNanos();
        ReadingPair reference = referenceTracker == null ? null : read(referenceTracker, localWall);
        List<DeviceRow> rows = new ArrayList<>(list.size());
        long deadline = System.nanoTime() + config.timeoutNanos() + 200_000_000L;
        for (int i = 0; i < list.size(); i++) {
            Device d = list.get(i);
            if (d.kind() == Device.Kind.AGENT) {
                rows.add(agentRow(d, pending.get(i), deadline));
            } else {
                Tracked t;
                synchronized (this) {
                    t = agentless.get(d.clock().text());
                }
                t.ensureOpen();
                DeviceRow row = agentlessRow(d, read(t, localWall), reference);
                if ("neon".equals(d.via())) {
                    row = row.withPhone(withLastEvent(d, phoneHealth(phones.get(i), deadline)));
                }
                rows.add(row);
            }
        }
        FleetSnapshot s = FleetSnapshot.of(localWall, config.reference() == null ? null : config.reference().text(),
                rows, config.toleranceNanos());
        latest = s;
        return s;
    }

    /**
     * Polls until every reachable device is synced or {@code timeoutNanos} pass, and returns the
     * last snapshot. The monitor's own trackers (for agentless devices) need a few samples to
     * learn the drift, an agent that just started does too, and one on a busy device may be in
     * holdover for a moment; an unreachable or unusable device is not waited for.
     */
    public FleetSnapshot awaitSettled(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            FleetSnapshot s = pollOnce();
            boolean settled = true;
            for (DeviceRow r : s.devices()) {
                if (r.reachable() && r.error() == null && r.state() != ClockState.SYNCED) {
                    settled = false;
                }
            }
            if (settled || System.nanoTime() - deadline >= 0) {
                return s;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private DeviceRow agentRow(Device d, CompletableFuture<AgentClient.Result> pending, long deadline)
            throws InterruptedException {
        AgentClient.Result r;
        try {
            r = pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return DeviceRow.failed(d, false, "unreachable: no answer in time");
        } catch (java.util.concurrent.ExecutionException e) {
            return DeviceRow.failed(d, false, "unreachable: " + e.getCause());
        }
        AgentStatus s = r.status();
        if (s == null) {
            boolean reachable = !r.error().startsWith("unreachable");
            return DeviceRow.failed(d, reachable, r.error());
        }
        if (r.error() != null) {
            return new DeviceRow(d.name(), d.target(), "agent", true, null, null, null, null, null, s.version(), r.error());
        }
        return new DeviceRow(d.name(), d.target(), "agent", true, s.state(), s.offsetNanos(), s.errorBoundNanos(),
                s.driftPpm(), s.lastSampleAgeNanos(), s.version(),
                s.state() == ClockState.UNSYNCED && s.lastFailure() != null ? "reference: " + s.lastFailure() : null,
                s.chrony());
    }

    /** Starts reading a phone's health from its {@code /api/status}; never fails (a failure is the health's reason). */
    private CompletableFuture<PhoneHealth> readPhone(Device d) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                io.lockstep.net.NeonClient phone = new io.lockstep.net.NeonClient(d.host(), d.port(), config.timeoutNanos());
                try {
                    return new PhoneHealth(io.lockstep.neon.PhoneStatus.parse(phone.statusBody(),
                            "http://" + phone.authority() + "/api/status"), null, null, null);
                } catch (IOException | RuntimeException e) {
                    return PhoneHealth.unreadable(String.valueOf(e.getMessage()));
                }
            }, phoneReads);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return CompletableFuture.completedFuture(PhoneHealth.unreadable("monitor closed"));
        }
    }

    /** The health with the last event the phone pushed on its WebSocket, which is followed from the first poll on. */
    private PhoneHealth withLastEvent(Device d, PhoneHealth health) {
        PhoneEvents events;
        synchronized (this) {
            if (closed) {
                return health;
            }
            if (phoneSockets == null) {
                phoneSockets = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5))
                        .proxy(java.net.http.HttpClient.Builder.NO_PROXY).build();
            }
            java.net.http.HttpClient http = phoneSockets;
            events = phoneEvents.computeIfAbsent(d.target(), t -> new PhoneEvents(http, d.host(), d.port()));
        }
        PhoneEvents.Last last = events.last();
        if (last == null) {
            return health;
        }
        return new PhoneHealth(health.status(), health.statusError(), last.name(),
                Math.max(0, System.nanoTime() - last.arrivedMonoNanos()));
    }

    private static PhoneHealth phoneHealth(CompletableFuture<PhoneHealth> pending, long deadline)
            throws InterruptedException {
        try {
            return pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return PhoneHealth.unreadable("no answer in time");
        } catch (java.util.concurrent.ExecutionException e) {
            return PhoneHealth.unreadable(String.valueOf(e.getCause()));
        }
    }

    /**
     * A tracker's clock read at one local instant through one view (state, offset, bound, drift
     * and sample age together); or why there is none: {@code reading} is null when the tracker
     * never started, UNSYNCED before its first usable exchange.
     */
    private record ReadingPair(ClockReading reading, String error) {
        boolean synced() {
            return reading != null && reading.state() != ClockState.UNSYNCED;
        }
    }

    private ReadingPair read(Tracked t, long localWall) {
        Tracker tracker;
        String openError;
        synchronized (t) {
            tracker = t.tracker;
            openError = t.openError;
        }
        if (tracker == null) {
            return new ReadingPair(null, openError == null ? "not started" : openError);
        }
        ClockReading r = tracker.clock().view().readingAt(localWall);
        if (r.state() == ClockState.UNSYNCED) {
            String why = tracker.lastFailure();
            return new ReadingPair(r, why == null ? null : "unreachable: " + why);
        }
        return new ReadingPair(r, null);
    }

    private DeviceRow agentlessRow(Device d, ReadingPair dev, ReadingPair ref) {
        String via = d.via();
        if (!dev.synced()) {
            if (dev.error() != null) {
                return DeviceRow.failed(d, false, dev.error());
            }
            return new DeviceRow(d.name(), d.target(), via, true, ClockState.UNSYNCED, null, null, null, null, null, null);
        }
        if (ref == null) {
            return DeviceRow.failed(d, true, "no reference to compare with");
        }
        if (!ref.synced()) {
            String why = ref.error() == null ? "reference " + config.reference() + " not synced yet"
                    : "reference " + config.reference() + ": " + ref.error();
            return new DeviceRow(d.name(), d.target(), via, true, ClockState.UNSYNCED, null, null, null, null, null,
                    ref.error() == null ? null : why);
        }
        ClockReading devAt = dev.reading();
        ClockReading refAt = ref.reading();
        // device − reference = (monitor − reference) − (monitor − device); the bounds add.
        long offset = refAt.offsetNanos() - devAt.offsetNanos();
        long bound = refAt.errorBoundNanos() + devAt.errorBoundNanos();
        // Drifts: the reference relative to the device = (reference vs monitor) − (device vs monitor).
        double drift = refAt.driftPpm() - devAt.driftPpm();
        ClockState state = worse(devAt.state(), refAt.state());
        return new DeviceRow(d.name(), d.target(), via, true, state, offset, bound, drift,
                Math.max(devAt.sampleAgeNanos(), refAt.sampleAgeNanos()), null, null);
    }

    private static ClockState worse(ClockState a, ClockState b) {
        return rank(a) <= rank(b) ? a : b;
    }

    private static int rank(ClockState s) {
        return switch (s) {
            case UNSYNCED -> 0;
            case HOLDOVER -> 1;
            case SYNCING -> 2;
            case SYNCED -> 3;
        };
    }

    /** Stops polling and closes the monitor's trackers. */
    @Override
    public void close() {
        List<Tracked> all;
        List<PhoneEvents> sockets;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(agentless.values());
            sockets = new ArrayList<>(phoneEvents.values());
            phoneEvents.clear();
        }
        sockets.forEach(PhoneEvents::close);
        if (poller != null) {
            poller.interrupt();
        }
        if (rediscoverer != null) {
            rediscoverer.interrupt();
        }
        for (Tracked t : all) {
            t.close();
        }
        if (referenceTracker != null) {
            referenceTracker.close();
        }
        phoneReads.shutdownNow();
    }
}
