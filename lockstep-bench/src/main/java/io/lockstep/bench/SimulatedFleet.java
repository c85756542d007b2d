package io.lockstep.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SyncedClock;
import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.action.ActionRunner;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.fleet.trigger.FiringWarmup;
import io.lockstep.fleet.trigger.FleetFire;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.fleet.trigger.TriggerDesk;
import io.lockstep.protocol.Target;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * A fleet of simulated devices in this process: each is a real {@link Agent} (HTTP API on
 * loopback) whose own clock is a {@link SimulatedTimeSource} (offset and drift from the host's),
 * tracking one reference; with {@link #acceptTriggers} each also has an actions file and a
 * {@link TriggerDesk}, and {@link #fire} fires them as {@code lockstep fleet fire} does, through
 * one signed trigger over HTTP. The truth of each action is the host's wall clock when the agent
 * called it ({@code host_wall_ns} of its firing report). Thread-safe; {@link #close()} stops
 * every agent, desk and action program.
 */
public final class SimulatedFleet implements AutoCloseable {

    private final List<Member> members = new ArrayList<>();
    private final List<ActionRunner> runners = new ArrayList<>();
    private final List<TriggerDesk> desks = new ArrayList<>();

    private record Member(String name, FireBaselines.DeviceClock setup, SimulatedTimeSource clock, Agent agent) {
    }

    /** What one device says about itself (device clock − reference, as the fleet shows it), beside the truth. */
    public record DeviceStatus(String name, ClockState state, long offsetNanos, long errorBoundNanos, double driftPpm,
                               long trueOffsetNanos, double trueDriftPpm) {
    }

    private SimulatedFleet() {
    }

    /**
     * Starts one agent per clock in {@code clocks}, named {@code prefix-1} on, each tracking
     * {@code reference} every {@code intervalNanos}, its HTTP API on a free loopback port.
     *
     * @throws IOException when an agent cannot start
     */
    public static SimulatedFleet start(Target reference, List<FireBaselines.DeviceClock> clocks, long intervalNanos,
                                       String prefix) throws IOException {
        return start(java.util.Collections.nCopies(clocks.size(), reference), clocks, intervalNanos, prefix);
    }

    /** As {@link #start(Target, List, long, String)}, device {@code d} tracking {@code references.get(d)}. */
    public static SimulatedFleet start(List<Target> references, List<FireBaselines.DeviceClock> clocks,
                                       long intervalNanos, String prefix) throws IOException {
        if (references.size() != clocks.size()) {
            throw new IllegalArgumentException("one reference per device");
        }
        SimulatedFleet fleet = new SimulatedFleet();
        TimeSource host = TimeSource.system();
        InetSocketAddress http = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try {
            for (int d = 0; d < clocks.size(); d++) {
                FireBaselines.DeviceClock c = clocks.get(d);
                SimulatedTimeSource clock = new SimulatedTimeSource(host, c.offsetNanos(), c.driftPpm());
                String name = prefix + "-" + (d + 1);
                Agent agent = Agent.start(AgentConfig.of(references.get(d), name, http).withLocal(clock)
                        .withIntervalNanos(intervalNanos));
                fleet.members.add(new Member(name, c, clock, agent));
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    public int size() {
        return members.size();
    }

    public String name(int device) {
        return members.get(device).name();
    }

    /** Device {@code d}'s agent URL, {@code agent://127.0.0.1:PORT}. */
    public String agentTarget(int device) {
        InetSocketAddress a = members.get(device).agent().httpAddress();
        return "agent://" + io.lockstep.net.Addresses.format(a);
    }

    /**
     * Waits until every device is SYNCED.
     *
     * @throws TimeoutException naming the first device that is not synced in time
     */
    public void awaitSynced(long timeoutNanos) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Member m : members) {
            m.agent().tracker().awaitSynced(Math.max(1, deadline - System.nanoTime()));
        }
    }

    /** Each device's own view beside the truth. */
    public List<DeviceStatus> status() {
        List<DeviceStatus> out = new ArrayList<>();
        for (Member m : members) {
            SyncedClock clock = m.agent().clock();
            long trueOffset = m.clock().aheadOfReferenceNanos();
            if (clock.model() == null) {
                out.add(new DeviceStatus(m.name(), ClockState.UNSYNCED, 0, -1, Double.NaN, trueOffset,
                        m.setup().driftPpm()));
                continue;
            }
            ClockReading r = clock.read();
            // local − reference is device − reference; the clock's drift is the reference's against the device.
            out.add(new DeviceStatus(m.name(), r.state(), r.offsetNanos(), r.errorBoundNanos(), -r.driftPpm(),
                    trueOffset, m.setup().driftPpm()));
        }
        return out;
    }

    /** Each device's true offset now (its clock − the host's, which the reference serves), in device order. */
    public long[] trueOffsetsNanos() {
        long[] out = new long[members.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = members.get(i).clock().aheadOfReferenceNanos();
        }
        return out;
    }

    /** Each device's true offset at the instant the host's wall clock read {@code hostWallNanos} (recently). */
    public long[] trueOffsetsAtNanos(long hostWallNanos) {
        long[] out = new long[members.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = members.get(i).clock().aheadAtReferenceWallNanos(hostWallNanos);
        }
        return out;
    }

    /** Stops device {@code d}'s agent, as a killed process would: its port refuses connections from now on. */
    public void stop(int device) throws IOException {
        members.get(device).agent().close();
    }

    /**
     * Gives every agent the actions of {@code actions} (its {@code line} and {@code tick} programs
     * started now, their output discarded) and a trigger desk under {@code key}: what
     * {@code lockstep agent --actions FILE --key FILE} sets up. Their schedulers spin the last
     * {@code spinNanos} before each instant: many agents in one process share its cores, and
     * twenty threads spinning at the same instant on two cores delay one another.
     *
     * @throws IOException when an action's program cannot be started
     */
    public synchronized void acceptTriggers(ActionsFile actions, FleetKey key, long spinNanos) throws IOException {
        // As `lockstep agent` does before its trigger resource exists; these agents share one JVM, so once.
        if (!members.isEmpty()) {
            FiringWarmup.warm(members.get(0).clock(), SchedulerOptions.defaults().withSpinNanos(spinNanos));
        }
        for (Member m : members) {
            ActionRunner runner = ActionRunner.start(actions, ProcessBuilder.Redirect.DISCARD);
            runners.add(runner);
            desks.add(TriggerDesk.install(m.agent(), runner, key, TriggerDesk.Limits.defaults(),
                    SchedulerOptions.defaults().withSpinNanos(spinNanos)));
        }
    }

    /** The devices as a monitor lists them: {@code agent://127.0.0.1:PORT}, named after the agents. */
    public List<Device> devices() {
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            out.add(Device.parse(name(i), agentTarget(i)));
        }
        return out;
    }

    /**
     * Fires {@code action} on every agent through one signed trigger over HTTP, as
     * {@code lockstep fleet fire} does: {@code count} firings {@code everyNanos} apart, the first
     * {@code leadNanos} after the monitor's reading of the reference time (or at
     * {@code atNanos} when it is not {@link Long#MIN_VALUE}); records each agent's report (the
     * host clock when its action ran, the bound it stated and the reference time it reported)
     * as firings {@code firstFiring}.. of {@code run}.
     *
     * @throws IOException when no agent is reachable and synced
     */
    public FleetFire.Result fire(FleetFire monitor, FireRun run, int firstFiring, String action, long atNanos,
                                 long leadNanos, long everyNanos, int count, long toleranceNanos)
            throws IOException, InterruptedException {
        List<Device> devices = devices();
        long now;
        for (int tries = 1; ; tries++) {
            try {
                now = monitor.referenceNowNanos(devices);
                break;
            } catch (IOException e) {
                // A JVM's first HTTP exchange loads the client and server code: seconds on a busy machine.
                if (tries == 3) {
                    throw e;
                }
            }
        }
        long at = atNanos == Long.MIN_VALUE ? now + leadNanos : atNanos;
        FleetFire.Result result = monitor.fire(devices, new FleetFire.Plan(action, at, everyNanos, count,
                toleranceNanos, 0), now, null);
        for (int j = 0; j < count; j++) {
            run.reference(firstFiring + j, at + j * everyNanos);
        }
        for (int d = 0; d < devices.size(); d++) {
            run.name(d, name(d));
            FleetFire.DeviceOutcome o = result.devices().get(d);
            for (int j = 0; j < count; j++) {
                FiringReport f = o.firing(j);
                if (f != null && f.fired() && f.hostWallNanos() != null) {
                    run.record(firstFiring + j, d, f.hostWallNanos(), f.errorBoundNanos(), f.firedReferenceNanos());
                } else {
                    // Refused (with the agent's code), unreachable, or a firing that did not run (its outcome).
                    run.miss(firstFiring + j, d, f != null ? f.outcome().name().toLowerCase(java.util.Locale.ROOT)
                            : o.refusalCode() != null ? o.refusalCode() : o.status().word());
                }
            }
        }
        return result;
    }

    @Override
    public synchronized void close() {
        for (TriggerDesk desk : desks) {
            desk.close();
        }
        for (ActionRunner runner : runners) {
            runner.close();
        }
        for (Member m : members) {
            try {
                m.agent().close();
            } catch (IOException ignored) {
                // Closing to stop the agent's threads and sockets; nothing to do with a failure here.
            }
        }
    }
}
