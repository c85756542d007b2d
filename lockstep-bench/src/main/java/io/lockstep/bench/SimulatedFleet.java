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
import io.lockstep.protocol.Target;
import io.lockstep.schedule.Firing;
import io.lockstep.schedule.ScheduleRefusedException;
import io.lockstep.schedule.ScheduledJob;
import io.lockstep.schedule.Scheduler;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * A fleet of simulated devices in this process: each is a real {@link Agent} (HTTP API on
 * loopback) whose own clock is a {@link SimulatedTimeSource} (offset and drift from the host's),
 * tracking one reference, with a {@link Scheduler} on its synced clock that fires at reference
 * instants. The truth of each action is the host's wall clock read inside the action. Thread-safe;
 * {@link #close()} stops every agent and scheduler.
 */
public final class SimulatedFleet implements AutoCloseable {

    private final List<Member> members = new ArrayList<>();

    private record Member(String name, FireBaselines.DeviceClock setup, SimulatedTimeSource clock, Agent agent,
                          Scheduler scheduler) {
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
                Scheduler scheduler;
                try {
                    scheduler = Scheduler.forClock(agent.clock());
                } catch (RuntimeException e) {
                    agent.close();
                    throw e;
                }
                fleet.members.add(new Member(name, c, clock, agent, scheduler));
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

    /**
     * Fires every device once at reference instant {@code referenceNanos} and records each
     * action's truth, stated bound and reported reference time as firing {@code k} of
     * {@code run}; returns when all have reported or {@code timeoutNanos} after the instant. A
     * device whose scheduler refuses (not SYNCED, instant past) misses.
     */
    public void fire(FireRun run, int k, long referenceNanos, long timeoutNanos) throws InterruptedException {
        run.reference(k, referenceNanos);
        List<ScheduledJob> jobs = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            int device = i;
            run.name(device, members.get(i).name());
            long[] truth = {FireRun.MISSED};
            try {
                jobs.add(members.get(i).scheduler().at(referenceNanos, Scheduler.NO_BOUND_LIMIT,
                        at -> truth[0] = TimeSource.system().wallNanos(),
                        f -> record(run, k, device, truth[0], f)));
            } catch (ScheduleRefusedException e) {
                // Not SYNCED or too late: the device misses this firing, which the table counts.
            }
        }
        await(jobs, referenceNanos, timeoutNanos);
    }

    /**
     * Fires every device {@code count} times every {@code periodNanos} of the reference clock, the
     * first at {@code firstReferenceNanos} (a multiple of the period, so every device ticks at the
     * same instants), as firings 0.. of {@code run}; the schedulers keep each tick in phase.
     */
    public void fireEvery(FireRun run, long firstReferenceNanos, long periodNanos, int count, long timeoutNanos)
            throws InterruptedException {
        long firstTick = Math.floorDiv(firstReferenceNanos, periodNanos);
        for (int k = 0; k < count; k++) {
            run.reference(k, firstReferenceNanos + k * periodNanos);
        }
        List<ScheduledJob> jobs = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            int device = i;
            run.name(device, members.get(i).name());
            long[] truth = {FireRun.MISSED};
            try {
                jobs.add(members.get(i).scheduler().every(periodNanos, 0, firstReferenceNanos, count,
                        Scheduler.NO_BOUND_LIMIT, at -> truth[0] = TimeSource.system().wallNanos(), f -> {
                            int k = (int) (f.tick() - firstTick);
                            if (k >= 0 && k < count) {
                                record(run, k, device, truth[0], f);
                            }
                        }));
            } catch (ScheduleRefusedException e) {
                // As in fire(): a refused device misses every tick.
            }
        }
        await(jobs, firstReferenceNanos + (count - 1) * periodNanos, timeoutNanos);
    }

    private static void record(FireRun run, int k, int device, long truthNanos, Firing f) {
        if (f.outcome() == Firing.Outcome.FIRED && truthNanos != FireRun.MISSED) {
            run.record(k, device, truthNanos, f.errorBoundNanos(), f.actualReferenceNanos());
        }
    }

    private static void await(List<ScheduledJob> jobs, long lastReferenceNanos, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, lastReferenceNanos - TimeSource.system().wallNanos())
                + timeoutNanos;
        for (ScheduledJob job : jobs) {
            try {
                job.await(Math.max(1, deadline - System.nanoTime()));
            } catch (TimeoutException e) {
                job.cancel();
            }
        }
    }

    @Override
    public void close() {
        for (Member m : members) {
            m.scheduler().close();
            try {
                m.agent().close();
            } catch (IOException ignored) {
                // Closing to stop the agent's threads and sockets; nothing to do with a failure here.
            }
        }
    }
}
