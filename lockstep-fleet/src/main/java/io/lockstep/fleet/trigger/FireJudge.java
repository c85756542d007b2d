package io.lockstep.fleet.trigger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.TriggerReport;
import io.lockstep.fleet.trigger.FleetFire.DeviceOutcome;
import io.lockstep.fleet.trigger.FleetFire.Plan;
import io.lockstep.fleet.trigger.FleetFire.Result;
import io.lockstep.fleet.trigger.FleetFire.Spread;
import io.lockstep.time.Durations;

/**
 * The judge of a firing, a pure function of what the agents answered (no sockets, no clock, so
 * it is tested on its own): what an acknowledgement and a report mean for a device's row, when
 * a device that has not finished counts as failed, and the verdict over the fleet: the fire
 * spread of each firing (max − min of the devices' fired reference times) with its bound (the
 * two largest error bounds among the devices, since each device's true firing time lies within
 * its own bound), this machine's own clock readings when the actions ran ({@code host_wall_ns},
 * the truth when every agent runs on this machine), and every problem in one line. Linear in the
 * reports whatever count the trigger claims; agent-supplied numbers are added and subtracted
 * with saturation, and an impossible bound is a problem, never a pass. Stateless and thread-safe.
 */
public final class FireJudge {

    private FireJudge() {
    }

    /** A device's row after its answer to the trigger. */
    public static DeviceOutcome acknowledged(Device d, AgentClient.Ack ack) {
        return new DeviceOutcome(d.name(), d.target(), ack.state(), ack.reason(), ack.refusalCode(),
                ack.state() == FiringState.SCHEDULED ? ack.predictedBoundNanos() : null, List.of());
    }

    /**
     * A device's row after one answer to "your report of {@code t}?": final when the agent is
     * done ({@code FIRED} when every firing ran, {@code FAILED} otherwise) or its answer is over
     * the size limit ({@code UNREACHABLE}: asking again would read as much); otherwise still
     * {@code SCHEDULED}, with the reason when the report could not be read, which
     * {@link #gaveUp} turns final at the deadline.
     */
    public static DeviceOutcome reported(Device d, Trigger t, AgentClient.ReportAnswer answer) {
        if (answer.tooLarge()) {
            return new DeviceOutcome(d.name(), d.target(), FiringState.UNREACHABLE,
                    answer.error() + " (after accepting the trigger)", null, null, List.of());
        }
        if (answer.error() != null) {
            // A transient failure: keep waiting (the deadline decides), but remember why.
            String why = answer.error().startsWith("unreachable") ? answer.error() + " (after accepting the trigger)"
                    : answer.error();
            return new DeviceOutcome(d.name(), d.target(), FiringState.SCHEDULED, why, null, null, List.of());
        }
        TriggerReport report = answer.report();
        List<FiringReport> firings = report.firings();
        Long bound = report.predictedBoundNanos();
        if (!report.done()) {
            return new DeviceOutcome(d.name(), d.target(), FiringState.SCHEDULED, null, null, bound, firings);
        }
        long ok = firings.stream().filter(FiringReport::fired).count();
        if (ok == t.count() && firings.size() == t.count()) {
            return new DeviceOutcome(d.name(), d.target(), FiringState.FIRED, null, null, bound, firings);
        }
        String why = firings.stream().filter(f -> !f.fired()).findFirst()
                .map(f -> "firing #" + f.index() + " " + f.outcome().name().toLowerCase(Locale.ROOT)
                        + (f.detail().isEmpty() ? "" : ": " + f.detail()))
                .orElse(firings.size() + " of " + t.count() + " firings reported");
        return new DeviceOutcome(d.name(), d.target(), FiringState.FAILED, ok + "/" + t.count() + " fired; " + why, null,
                bound, firings);
    }

    /**
     * The final row of a device still {@code SCHEDULED} when the monitor stops waiting:
     * {@code UNREACHABLE} when its last answer could not be had, {@code FAILED} when it answered
     * but had not reported every firing. Any other row is returned as it is.
     */
    public static DeviceOutcome gaveUp(DeviceOutcome o, Trigger t) {
        if (o.status() != FiringState.SCHEDULED) {
            return o;
        }
        if (o.reason() != null && o.reason().startsWith("unreachable")) {
            return new DeviceOutcome(o.name(), o.target(), FiringState.UNREACHABLE, o.reason(), null,
                    o.predictedBoundNanos(), o.firings());
        }
        return new DeviceOutcome(o.name(), o.target(), FiringState.FAILED, "no report of every firing after the last "
                + "instant (" + o.firings().size() + " of " + t.count() + ")", null, o.predictedBoundNanos(), o.firings());
    }

    /**
     * Spreads per firing and the verdict, in one pass over the reports (linear in their number,
     * whatever count the trigger claims); agent-supplied numbers are added and subtracted with
     * saturation, and an impossible bound is a problem, never a pass.
     */
    public static Result judge(Trigger t, Plan plan, List<DeviceOutcome> outcomes) {
        List<String> problems = new ArrayList<>();
        TreeMap<Integer, SpreadSum> byIndex = new TreeMap<>();
        for (DeviceOutcome o : outcomes) {
            if (o.status() != FiringState.FIRED && o.status() != FiringState.SKIPPED) {
                problems.add(o.name() + " " + o.summary());
            }
            Long late = o.worstLatenessNanos();
            if (late != null && absSaturated(late) > plan.toleranceNanos()) {
                problems.add(o.name() + " fired " + Durations.format(late) + " from the instant, outside the tolerance of "
                        + Durations.format(plan.toleranceNanos()));
            }
            Set<Integer> seen = new HashSet<>();
            boolean impossible = false;
            for (FiringReport f : o.firings()) {
                // The first report of an index counts, as FiringReport lookups by index do.
                if (f.index() < 0 || f.index() >= t.count() || !seen.add(f.index()) || !f.fired()) {
                    continue;
                }
                if (!f.plausible()) {
                    impossible = true;
                }
                byIndex.computeIfAbsent(f.index(), k -> new SpreadSum()).add(f);
            }
            if (impossible) {
                problems.add(o.name() + " reported an impossible error bound or instant (broken or hostile agent)");
            }
        }
        List<Spread> spreads = new ArrayList<>();
        for (Map.Entry<Integer, SpreadSum> e : byIndex.entrySet()) {
            SpreadSum a = e.getValue();
            Spread s = new Spread(e.getKey(), a.ran, subtractSaturated(a.max, a.min),
                    a.ran > 1 ? addSaturated(a.bound1, a.bound2) : 0,
                    a.hostMax >= a.hostMin ? subtractSaturated(a.hostMax, a.hostMin) : 0);
            spreads.add(s);
            if (s.spreadNanos() > plan.toleranceNanos()) {
                problems.add("firing #" + s.index() + ": fire spread " + Durations.format(s.spreadNanos())
                        + " exceeds the tolerance of " + Durations.format(plan.toleranceNanos()));
            }
        }
        return new Result(t, plan, List.copyOf(outcomes), List.copyOf(spreads), List.copyOf(problems));
    }

    /** One firing index across the devices: extremes and the two largest bounds. Not thread-safe. */
    private static final class SpreadSum {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long hostMin = Long.MAX_VALUE;
        long hostMax = Long.MIN_VALUE;
        long bound1;
        long bound2;
        int ran;

        void add(FiringReport f) {
            ran++;
            min = Math.min(min, f.firedReferenceNanos());
            max = Math.max(max, f.firedReferenceNanos());
            if (f.hostWallNanos() != null) {
                hostMin = Math.min(hostMin, f.hostWallNanos());
                hostMax = Math.max(hostMax, f.hostWallNanos());
            }
            // A negative bound is impossible; counted as the largest so the spread is never proved by it.
            long b = f.errorBoundNanos() < 0 ? Long.MAX_VALUE : f.errorBoundNanos();
            if (b > bound1) {
                bound2 = bound1;
                bound1 = b;
            } else if (b > bound2) {
                bound2 = b;
            }
        }
    }

    static long absSaturated(long v) {
        return v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v);
    }

    static long addSaturated(long a, long b) {
        long r = a + b;
        // Overflow only when both operands have the sign the result lacks.
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    static long subtractSaturated(long a, long b) {
        long d = a - b;
        if (((a ^ b) & (a ^ d)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return d;
    }
}
