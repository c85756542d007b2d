package io.lockstep.fleet.trigger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.TriggerSummary;

/**
 * Reads what the agents fired, for the dashboard: the most recent trigger any agent accepted,
 * judged by {@link FireJudge} as {@code fleet fire} judges its own. It holds no key and sends
 * nothing but reads, each through the {@link AgentClient} with its deadline and size limit, so a
 * hostile agent costs its own row. Thread-safe.
 */
public final class FiringWatcher {

    private final AgentClient agents;
    private final long timeoutNanos;

    /** @param timeoutNanos how long one request to an agent may take */
    public FiringWatcher(long timeoutNanos) {
        this.agents = new AgentClient(timeoutNanos);
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * The most recent trigger any of {@code devices} accepted (by instant), judged; empty when no
     * agent has one, or while an agent that accepted it has not finished it. Agents that have no
     * record of it are listed as refused (they refused it, or were not sent it). Never throws for
     * an unreachable agent: it becomes that device's row.
     */
    public Optional<FleetFire.Result> lastFiring(List<Device> devices, long toleranceNanos) {
        List<Device> list = devices.stream().filter(d -> d.kind() == Device.Kind.AGENT).toList();
        List<CompletableFuture<AgentClient.ListAnswer>> asks = new ArrayList<>();
        for (Device d : list) {
            asks.add(agents.triggers(d.authority()));
        }
        TriggerSummary newest = null;
        List<List<TriggerSummary>> lists = new ArrayList<>();
        for (CompletableFuture<AgentClient.ListAnswer> a : asks) {
            List<TriggerSummary> triggers = a.join().triggers();
            lists.add(triggers);
            for (TriggerSummary t : triggers == null ? List.<TriggerSummary>of() : triggers) {
                if (newest == null || t.atNanos() > newest.atNanos()) {
                    newest = t;
                }
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        Trigger trigger;
        try {
            if (newest.count() < 1 || newest.count() > Trigger.MAX_COUNT) {
                return Optional.empty();
            }
            trigger = new Trigger(newest.id(), newest.action(), newest.atNanos(), newest.expiresNanos(),
                    newest.everyNanos(), (int) newest.count(), 0, null);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        FleetFire.Plan plan = new FleetFire.Plan(trigger.action(), trigger.atNanos(), trigger.everyNanos(),
                trigger.count(), toleranceNanos, 0);
        FleetFire.DeviceOutcome[] outcomes = new FleetFire.DeviceOutcome[list.size()];
        List<CompletableFuture<Void>> reports = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Device d = list.get(i);
            List<TriggerSummary> triggers = lists.get(i);
            int slot = i;
            if (triggers == null) {
                outcomes[i] = new FleetFire.DeviceOutcome(d.name(), d.target(), FiringState.UNREACHABLE, "unreachable",
                        null, null, List.of());
            } else if (triggers.stream().noneMatch(t -> trigger.id().equals(t.id()))) {
                outcomes[i] = new FleetFire.DeviceOutcome(d.name(), d.target(), FiringState.REFUSED, "no record of trigger "
                        + trigger.id() + " (refused, or not sent to this agent)", null, null, List.of());
            } else {
                reports.add(agents.report(d.authority(), trigger.id(), 0, timeoutNanos)
                        .thenAccept(a -> outcomes[slot] = FireJudge.reported(d, trigger, a)));
            }
        }
        CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).join();
        for (int i = 0; i < outcomes.length; i++) {
            FleetFire.DeviceOutcome o = outcomes[i];
            if (o.status() == FiringState.SCHEDULED && o.reason() != null) {
                // Its report could not be read: that agent is one unreachable row, not a firing never shown.
                outcomes[i] = new FleetFire.DeviceOutcome(o.name(), o.target(), FiringState.UNREACHABLE, o.reason(), null,
                        o.predictedBoundNanos(), o.firings());
            } else if (o.status() == FiringState.SCHEDULED) {
                return Optional.empty();
            }
        }
        return Optional.of(FireJudge.judge(trigger, plan, Arrays.asList(outcomes)));
    }
}
