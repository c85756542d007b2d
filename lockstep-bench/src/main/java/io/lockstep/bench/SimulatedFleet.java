package io.lockstep.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SyncedClock;
import io.lockstep.estimate.ClockModel;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;

/**
 * A fleet of simulated devices in this process: each has its own clock (offset and drift from
 * the host's), tracks one reference with the one tracking pipeline ({@link Tracker}), and fires
 * at a reference instant by converting it through its own clock model and waiting on its own
 * clock. The truth of each action is the host's wall clock at the instant it ran. Thread-safe;
 * each device waits on a thread of its own; {@link #close()} stops everything.
 */
public final class SimulatedFleet implements AutoCloseable {

    /** How long before the instant a device stops parking and spins on its clock. */
    static final long SPIN_NANOS = 500_000L;

    private final List<Device> devices = new ArrayList<>();

    private record Device(String name, FireBaselines.DeviceClock setup, SimulatedTimeSource clock, Tracker tracker,
                          ExecutorService waiter) {
    }

    /** What one device says about itself, beside the truth. */
    public record DeviceStatus(String name, ClockState state, long offsetNanos, long errorBoundNanos, double driftPpm,
                               long trueOffsetNanos, double trueDriftPpm) {
    }

    private SimulatedFleet() {
    }

    /**
     * Starts one tracking device per clock in {@code clocks}, named {@code prefix-1} on, each
     * tracking {@code reference} every {@code intervalNanos}.
     *
     * @throws IOException when a tracker cannot reach the reference
     */
    public static SimulatedFleet start(Target reference, List<FireBaselines.DeviceClock> clocks, long intervalNanos,
                                       String prefix) throws IOException {
        SimulatedFleet fleet = new SimulatedFleet();
        TimeSource host = TimeSource.system();
        try {
            for (int d = 0; d < clocks.size(); d++) {
                FireBaselines.DeviceClock c = clocks.get(d);
                SimulatedTimeSource clock = new SimulatedTimeSource(host, c.offsetNanos(), c.driftPpm());
                TrackingOptions options = TrackingOptions.defaults().withIntervalNanos(intervalNanos).withLocal(clock);
                Tracker tracker = Tracker.open(reference, options).start();
                String name = prefix + "-" + (d + 1);
                ExecutorService waiter = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "fire " + name);
                    t.setDaemon(true);
                    return t;
                });
                fleet.devices.add(new Device(name, c, clock, tracker, waiter));
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    public int size() {
        return devices.size();
    }

    public String name(int device) {
        return devices.get(device).name();
    }

    /**
     * Waits until every device is SYNCED.
     *
     * @throws TimeoutException naming the first device that is not synced in time
     */
    public void awaitSynced(long timeoutNanos) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Device d : devices) {
            d.tracker().awaitSynced(Math.max(1, deadline - System.nanoTime()));
        }
    }

    /** Each device's own view, device clock − reference as the fleet shows it, beside the truth. */
    public List<DeviceStatus> status() {
        List<DeviceStatus> out = new ArrayList<>();
        for (Device d : devices) {
            SyncedClock clock = d.tracker().clock();
            long trueOffset = d.clock().aheadOfReferenceNanos();
            if (clock.model() == null) {
                out.add(new DeviceStatus(d.name(), ClockState.UNSYNCED, 0, -1, Double.NaN, trueOffset,
                        d.setup().driftPpm()));
                continue;
            }
            ClockReading r = clock.read();
            // The fleet shows device − reference: the tracker's local − reference offset, as is.
            out.add(new DeviceStatus(d.name(), r.state(), r.offsetNanos(), r.errorBoundNanos(), -r.driftPpm(),
                    trueOffset, d.setup().driftPpm()));
        }
        return out;
    }

    /**
     * Fires every device at reference instant {@code referenceNanos} and records each action's
     * truth and stated bound as firing {@code k} of {@code run}; returns when all have acted or
     * {@code timeoutNanos} after the instant. A device that is not SYNCED refuses (and misses).
     */
    public void fire(FireRun run, int k, long referenceNanos, long timeoutNanos) throws InterruptedException {
        run.reference(k, referenceNanos);
        List<Future<?>> pending = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            int device = i;
            run.name(device, d.name());
            pending.add(d.waiter().submit(() -> fireOne(d, run, k, device, referenceNanos)));
        }
        long deadline = System.nanoTime() + (referenceNanos - TimeSource.system().wallNanos()) + timeoutNanos;
        for (Future<?> f : pending) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                f.cancel(true);
            }
        }
    }

    private static void fireOne(Device d, FireRun run, int k, int device, long referenceNanos) {
        SyncedClock clock = d.tracker().clock();
        SimulatedTimeSource own = d.clock();
        if (clock.state() != ClockState.SYNCED) {
            return;
        }
        long localNanos;
        long left;
        // Re-convert after each park: a new model may have arrived meanwhile.
        while (true) {
            localNanos = clock.toLocal(referenceNanos);
            left = localNanos - own.wallNanos();
            if (left <= SPIN_NANOS) {
                break;
            }
            LockSupport.parkNanos(Math.min(left - SPIN_NANOS, 20_000_000L));
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
        ClockModel m = clock.model();
        long boundNanos = m.errorBoundAtNanos(localNanos);
        long nowLocal;
        while ((nowLocal = own.wallNanos()) < localNanos) {
            Thread.onSpinWait();
        }
        long hostWall = TimeSource.system().wallNanos();
        // The device's own account of when it acted: the reference time of the clock reading that let it go.
        run.record(k, device, hostWall, boundNanos, m.toRemoteNanos(nowLocal));
    }

    @Override
    public void close() {
        for (Device d : devices) {
            d.waiter().shutdownNow();
            try {
                d.tracker().close();
            } catch (IOException ignored) {
                // Closing to stop the tracker's thread and socket; nothing to do with a failure here.
            }
        }
    }
}
