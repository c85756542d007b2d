package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.FleetMonitor;
import io.lockstep.fleet.trigger.FiringWatcher;
import io.lockstep.fleet.trigger.FleetFire;

/**
 * Feeds a {@link Dashboard}'s "last firing" from the agents themselves: every few seconds it
 * asks the monitor's agents for their triggers ({@link FiringWatcher#lastFiring}) and shows the
 * newest one that every agent has finished, so a firing made by {@code lockstep fleet fire} from
 * any machine appears on the page. Thread-safe; one daemon thread polls until {@link #close()}.
 */
public final class FiringFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FiringFeed.class.getName());

    private final Thread thread;
    private volatile boolean closed;

    private FiringFeed(FleetMonitor monitor, Dashboard dashboard, long pollNanos) {
        FiringWatcher watcher = new FiringWatcher(monitor.config().timeoutNanos());
        long tolerance = monitor.config().toleranceNanos();
        this.thread = new Thread(() -> {
            String shown = null;
            while (!closed) {
                try {
                    Optional<FleetFire.Result> r = watcher.lastFiring(monitor.devices(), tolerance);
                    if (r.isPresent()) {
                        String key = r.get().trigger().id();
                        if (!key.equals(shown)) {
                            dashboard.lastFiring(toLastFiring(r.get()));
                            shown = key;
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "reading the last firing failed: " + e);
                }
                try {
                    Thread.sleep(pollNanos / 1_000_000L);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lockstep-dashboard-firings");
        thread.setDaemon(true);
    }

    /** Starts polling the monitor's agents every {@code pollNanos}. */
    public static FiringFeed start(FleetMonitor monitor, Dashboard dashboard, long pollNanos) {
        FiringFeed f = new FiringFeed(monitor, dashboard, pollNanos);
        f.thread.start();
        return f;
    }

    /** The dashboard's summary of a firing: its first firing's instant, the worst spread, each device's worst firing. */
    static LastFiring toLastFiring(FleetFire.Result r) {
        List<LastFiring.Device> devices = new ArrayList<>();
        for (FleetFire.DeviceOutcome o : r.devices()) {
            if (o.status() == FiringState.SKIPPED) {
                continue;
            }
            FiringReport worst = null;
            for (FiringReport f : o.firings()) {
                if (f.fired() && (worst == null || Math.abs(f.latenessNanos()) > Math.abs(worst.latenessNanos()))) {
                    worst = f;
                }
            }
            boolean fired = o.status() == FiringState.FIRED && worst != null;
            devices.add(new LastFiring.Device(o.name(), o.status().word(), fired, fired ? worst.firedReferenceNanos() : 0,
                    fired ? worst.errorBoundNanos() : 0, fired ? worst.latenessNanos() : 0, o.reason()));
        }
        Long spread = r.spreadNanos();
        return new LastFiring(r.trigger().action(), r.trigger().atNanos(), spread == null ? -1 : spread,
                spread == null ? 0 : r.spreadBoundNanos(), r.plan().toleranceNanos(), r.ok(), devices);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
