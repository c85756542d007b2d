package io.lockstep.fleet.dashboard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

import io.lockstep.fleet.FleetMonitor;
import io.lockstep.fleet.FleetSnapshot;

/**
 * The live fleet dashboard: a {@link DashboardServer} fed by a {@link FleetMonitor}. Every
 * snapshot the monitor takes (about one a second) becomes a {@link DashboardFrame}, goes into
 * the server's history and out on its event stream. The last firing, when something reports
 * one through {@link #lastFiring(LastFiring)}, rides along in every frame after it. Starting
 * the monitor's polling is the caller's choice (it may already be running). Thread-safe.
 */
public final class Dashboard implements AutoCloseable {

    private final FleetMonitor monitor;
    private final DashboardServer server;
    private final Consumer<FleetSnapshot> listener = this::publish;
    private volatile LastFiring lastFiring;

    private Dashboard(FleetMonitor monitor, DashboardServer server) {
        this.monitor = monitor;
        this.server = server;
    }

    /**
     * Serves the dashboard on {@code http} (port 0: a free port) and follows {@code monitor}.
     *
     * @param windowNanos how far back the page's plot reaches (and the server's history holds)
     */
    public static Dashboard start(FleetMonitor monitor, InetSocketAddress http, long windowNanos) throws IOException {
        long pollNanos = monitor.config().pollNanos();
        if (windowNanos < pollNanos) {
            throw new IllegalArgumentException("the plot window must hold at least one poll");
        }
        // Capped so a long window at a fast poll cannot hold unbounded memory (a day at 1 Hz).
        int frames = (int) Math.min(86_400, windowNanos / pollNanos + 1);
        DashboardServer server = DashboardServer.start(http, frames, windowNanos);
        Dashboard d = new Dashboard(monitor, server);
        FleetSnapshot latest = monitor.latest();
        if (latest != null) {
            d.publish(latest);
        }
        monitor.addListener(d.listener);
        return d;
    }

    /** Where the page is served. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The server, for its event-stream and history figures. */
    public DashboardServer server() {
        return server;
    }

    /** Shows {@code firing} as the last firing from the next frame on (null hides it). */
    public void lastFiring(LastFiring firing) {
        this.lastFiring = firing;
        DashboardFrame latest = server.latest();
        if (latest != null) {
            server.publish(latest.withLastFiring(firing));
        }
    }

    private void publish(FleetSnapshot snapshot) {
        server.publish(DashboardFrame.of(snapshot, lastFiring));
    }

    /** Stops following the monitor and serving; the monitor itself stays open. */
    @Override
    public void close() {
        monitor.removeListener(listener);
        server.close();
    }
}
