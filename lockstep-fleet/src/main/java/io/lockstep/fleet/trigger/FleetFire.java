package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.SafeText;
import io.lockstep.time.Durations;

/**
 * The monitor's side of {@code lockstep fleet fire}: it signs one trigger, sends it to every
 * agent at once, collects each acknowledgement or refusal, waits past the last instant, fetches
 * each agent's firing report, and judges the fleet: the fire spread of each firing (max − min of
 * the devices' fired reference times) with its bound (the two largest error bounds among the
 * devices, since each device's true firing time lies within its own bound), and this machine's
 * own clock readings when the actions ran ({@code host_wall_ns}), which are the truth when every
 * agent runs on this machine (tests, benches, the demo). Devices that are not agents cannot fire
 * and are listed as skipped. Thread-safe: each {@link #fire} call works on its own.
 */
public final class FleetFire {

    /** Time the monitor gives itself to reach every agent before the instant, at least. */
    public static final long MIN_LEAD_NANOS = 200_000_000L;

    /**
     * What to fire.
     *
     * @param action         the action's name in the agents' actions files
     * @param atNanos        the (first) instant, reference time
     * @param everyNanos     period of repeated firings (0: once)
     * @param count          number of firings
     * @param toleranceNanos largest fire spread (and lateness of any device) accepted
     * @param maxBoundNanos  each agent refuses when its bound at the instant would exceed this (0: no limit)
     */
    public record Plan(String action, long atNanos, long everyNanos, int count, long toleranceNanos, long maxBoundNanos) {
        public Plan {
            Objects.requireNonNull(action, "action");
            if (count < 1 || (count > 1 && everyNanos <= 0) || everyNanos < 0 || toleranceNanos < 0 || maxBoundNanos < 0) {
                throw new IllegalArgumentException("a plan needs count ≥ 1, a positive period for several firings, "
                        + "and no negative tolerance or bound");
            }
        }

        /** The default bound limit for a tolerance: half of it, so two devices' bounds together fit in it. */
        public static long boundLimitFor(long toleranceNanos) {
            return toleranceNanos / 2;
        }
    }

    /**
     * One device's part in a firing.
     *
     * @param name                the device's name
     * @param target              as written, e.g. {@code agent://127.0.0.1:7474}
     * @param status              {@code fired} (every firing ran), {@code refused}, {@code failed} (some
     *                            firing did not run or failed), {@code unreachable}, or {@code skipped} (not an
     *                            agent); {@code scheduled} only while {@link #fire} still waits for the report
     * @param reason              why, for anything but {@code fired}; null otherwise
     * @param refusalCode         the agent's refusal code ({@code replay}, ...), or null
     * @param predictedBoundNanos the bound the agent predicted at the first instant, or null
     * @param firings             the agent's reports, by index (empty unless accepted)
     */
    public record DeviceOutcome(String name, String target, String status, String reason, String refusalCode,
                                Long predictedBoundNanos, List<FiringReport> firings) {

        public DeviceOutcome {
            // The reason and code may quote an agent's answer: they reach the terminal and logs.
            reason = SafeText.printable(reason);
            refusalCode = SafeText.printable(refusalCode);
            Objects.requireNonNull(firings, "firings");
        }

        /** The report of firing {@code index}, or null. */
        public FiringReport firing(int index) {
            for (FiringReport f : firings) {
                if (f.index() == index) {
                    return f;
                }
            }
            return null;
        }

        /** The largest |lateness| among the firings that ran, or null. */
        public Long worstLatenessNanos() {
            Long worst = null;
            for (FiringReport f : firings) {
                if (f.fired() && (worst == null || absSaturated(f.latenessNanos()) > absSaturated(worst))) {
                    worst = f.latenessNanos();
                }
            }
            return worst;
        }

        /** The largest error bound among the firings that ran, or null. */
        public Long worstBoundNanos() {
            return firings.stream().filter(FiringReport::fired).map(FiringReport::errorBoundNanos).max(Long::compare)
                    .orElse(null);
        }

        /** The status and reason in one line, the status said once ({@code unreachable: no answer within 2s}). */
        public String summary() {
            return reason != null && reason.startsWith(status + ":") ? reason : status + ": " + reason;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("target", target);
            m.put("status", status);
            m.put("reason", reason);
            m.put("refusal", refusalCode);
            m.put("predicted_bound_ns", predictedBoundNanos);
            m.put("lateness_ns", worstLatenessNanos());
            m.put("error_bound_ns", worstBoundNanos());
            m.put("firings", firings.stream().map(FiringReport::toJson).toList());
            return m;
        }
    }

    /**
     * The spread of one firing across the devices that ran it.
     *
     * @param index            which firing
     * @param devices          devices whose action ran
     * @param spreadNanos      max − min of their fired reference times
     * @param spreadBoundNanos the true spread is at most {@code spreadNanos} plus this (the two largest bounds)
     * @param hostSpreadNanos  max − min of their {@code host_wall_ns}: the true spread when all run on this machine
     */
    public record Spread(int index, int devices, long spreadNanos, long spreadBoundNanos, long hostSpreadNanos) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", index);
            m.put("devices", devices);
            m.put("spread_ns", spreadNanos);
            m.put("spread_bound_ns", spreadBoundNanos);
            m.put("host_spread_ns", hostSpreadNanos);
            return m;
        }
    }

    /**
     * The whole firing.
     *
     * @param trigger  what was sent (signed)
     * @param plan     what was asked
     * @param devices  one outcome per device, in the order given
     * @param spreads  one per firing index that at least one device ran
     * @param problems why the firing is not a success, one line each; empty when it is
     */
    public record Result(Trigger trigger, Plan plan, List<DeviceOutcome> devices, List<Spread> spreads,
                         List<String> problems) {

        /** Every agent fired every time, and within the tolerance. */
        public boolean ok() {
            return problems.isEmpty();
        }

        /** The largest fire spread over the firings, or null when none ran. */
        public Long spreadNanos() {
            return spreads.stream().map(Spread::spreadNanos).max(Long::compare).orElse(null);
        }

        /** The bound of {@link #spreadNanos()}: the largest of the firings' bounds, or null. */
        public Long spreadBoundNanos() {
            return spreads.stream().map(Spread::spreadBoundNanos).max(Long::compare).orElse(null);
        }

        /** The largest spread of this machine's clock readings over the firings, or null. */
        public Long hostSpreadNanos() {
            return spreads.stream().map(Spread::hostSpreadNanos).max(Long::compare).orElse(null);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", trigger.action());
            m.put("trigger_id", trigger.id());
            m.put("at_ns", trigger.atNanos());
            m.put("every_ns", trigger.everyNanos());
            m.put("count", trigger.count());
            m.put("max_bound_ns", trigger.maxBoundNanos());
            m.put("tolerance_ns", plan.toleranceNanos());
            m.put("devices", devices.stream().map(DeviceOutcome::toJson).toList());
            m.put("spreads", spreads.stream().map(Spread::toJson).toList());
            m.put("spread_ns", spreadNanos());
            m.put("spread_bound_ns", spreadBoundNanos());
            m.put("host_spread_ns", hostSpreadNanos());
            m.put("within_tolerance", ok());
            m.put("problems", problems);
            return m;
        }
    }

    /**
     * After the last instant, how long the monitor waits for reports beyond one request timeout
     * (so {@link #fire} returns within the timeout plus 2 s of it, whatever the agents do): an
     * agent reports a firing as soon as its action has started, so honest ones take milliseconds.
     */
    public static final long REPORT_GRACE_NANOS = 1_500_000_000L;

    private final FleetKey key;
    private final long timeoutNanos;
    private final AgentClient agents;

    /**
     * @param key          the fleet key triggers are signed with
     * @param timeoutNanos how long one request to an agent may take
     */
    public FleetFire(FleetKey key, long timeoutNanos) {
        this(Objects.requireNonNull(key, "key"), timeoutNanos, true);
    }

    private FleetFire(FleetKey key, long timeoutNanos, boolean unused) {
        this.key = key;
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        this.agents = new AgentClient(timeoutNanos);
    }

    /**
     * A FleetFire that only reads what agents fired ({@link #lastFiring}), for a dashboard: it
     * holds no key and cannot {@link #fire}.
     */
    public static FleetFire watcher(long timeoutNanos) {
        return new FleetFire(null, timeoutNanos, true);
    }

    /**
     * The most recent trigger any of {@code devices} accepted (by instant), judged as
     * {@link #fire} judges it; empty when no agent has one, or while an agent that accepted it
     * has not finished it. Agents that have no record of it are listed as refused (they refused
     * it, or were not sent it). Never throws for an unreachable agent: it becomes that device's row.
     */
    public java.util.Optional<Result> lastFiring(List<Device> devices, long toleranceNanos) {
        List<Device> list = devices.stream().filter(d -> d.kind() == Device.Kind.AGENT).toList();
        List<CompletableFuture<List<Map<String, Object>>>> asks = new ArrayList<>();
        for (Device d : list) {
            asks.add(agents.get(d.authority(), TriggerDesk.PATH, AgentClient.MAX_LIST_BYTES, timeoutNanos).thenApply(r -> {
                if (r.error() != null || r.statusCode() != 200) {
                    return null;
                }
                try {
                    return parseTriggerList(r.body());
                } catch (IOException e) {
                    return null;
                }
            }));
        }
        Map<String, Object> newest = null;
        List<List<Map<String, Object>>> lists = new ArrayList<>();
        for (CompletableFuture<List<Map<String, Object>>> a : asks) {
            List<Map<String, Object>> triggers = a.join();
            lists.add(triggers);
            for (Map<String, Object> t : triggers == null ? List.<Map<String, Object>>of() : triggers) {
                if (t.get("at_ns") instanceof Long at && (newest == null || at > (Long) newest.get("at_ns"))) {
                    newest = t;
                }
            }
        }
        if (newest == null) {
            return java.util.Optional.empty();
        }
        Trigger trigger;
        try {
            trigger = new Trigger(String.valueOf(newest.get("id")), String.valueOf(newest.get("action")),
                    (Long) newest.get("at_ns"), (Long) newest.get("expires_ns"), (Long) newest.get("every_ns"),
                    ((Long) newest.get("count")).intValue(), 0, null);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
        Plan plan = new Plan(trigger.action(), trigger.atNanos(), trigger.everyNanos(), trigger.count(), toleranceNanos, 0);
        DeviceOutcome[] outcomes = new DeviceOutcome[list.size()];
        List<CompletableFuture<Void>> reports = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Device d = list.get(i);
            List<Map<String, Object>> triggers = lists.get(i);
            int slot = i;
            if (triggers == null) {
                outcomes[i] = new DeviceOutcome(d.name(), d.target(), "unreachable", "unreachable", null, null, List.of());
            } else if (triggers.stream().noneMatch(t -> trigger.id().equals(t.get("id")))) {
                outcomes[i] = new DeviceOutcome(d.name(), d.target(), "refused", "no record of trigger " + trigger.id()
                        + " (refused, or not sent to this agent)", null, null, List.of());
            } else {
                reports.add(report(d, trigger, timeoutNanos).thenAccept(o -> outcomes[slot] = o));
            }
        }
        CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).join();
        for (int i = 0; i < outcomes.length; i++) {
            DeviceOutcome o = outcomes[i];
            if (o.status().equals("scheduled") && o.reason() != null) {
                // Its report could not be read: that agent is one unreachable row, not a firing never shown.
                outcomes[i] = new DeviceOutcome(o.name(), o.target(), "unreachable", o.reason(), null,
                        o.predictedBoundNanos(), o.firings());
            } else if (o.status().equals("scheduled")) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(judge(trigger, plan, Arrays.asList(outcomes)));
    }

    /**
     * An agent's report of one trigger, {@code GET /api/triggers/ID}, as the monitor reads it.
     *
     * @param done                whether the agent has finished the trigger
     * @param predictedBoundNanos the bound it predicted, or null
     * @param firings             its firing reports, printable
     */
    public record TriggerReport(boolean done, Long predictedBoundNanos, List<FiringReport> firings) {
        public TriggerReport {
            firings = List.copyOf(firings);
        }
    }

    /**
     * Reads a trigger report from an agent's answer (at most {@link AgentClient#MAX_REPORT_BYTES});
     * the entry point a fuzz target of firing reports calls.
     *
     * @throws IOException for anything but a well-formed report, with a one-line reason
     */
    public static TriggerReport parseReport(String json) throws IOException {
        try {
            Map<String, Object> m = JsonText.object(json);
            List<FiringReport> firings = new ArrayList<>();
            Object list = m.getOrDefault("firings", List.of());
            if (!(list instanceof List<?> items)) {
                throw new IOException("firings is not a list");
            }
            for (Object o : items) {
                if (!(o instanceof Map<?, ?> f)) {
                    throw new IOException("a firing is not an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) f;
                firings.add(FiringReport.fromJson(fields));
            }
            return new TriggerReport("done".equals(m.get("state")),
                    m.get("predicted_bound_ns") instanceof Long b ? b : null, firings);
        } catch (RuntimeException e) {
            throw new IOException(SafeText.printable(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * Reads the trigger summaries of {@code GET /api/triggers} (at most
     * {@link AgentClient#MAX_LIST_BYTES}); the entry point a fuzz target of trigger lists calls.
     *
     * @throws IOException for anything but an object with a list of objects under {@code triggers}
     */
    public static List<Map<String, Object>> parseTriggerList(String json) throws IOException {
        Object list = JsonText.object(json).get("triggers");
        if (!(list instanceof List<?> items)) {
            throw new IOException("no list of triggers");
        }
        List<Map<String, Object>> triggers = new ArrayList<>();
        for (Object o : items) {
            if (!(o instanceof Map<?, ?> t)) {
                throw new IOException("a trigger summary is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) t;
            triggers.add(m);
        }
        return triggers;
    }

    /**
     * The reference time now as the agents see it: each synced agent's status gives its local
     * time and its offset to the reference at its reading, which happened between sending the
     * request and receiving the answer; taking it at the midpoint and carrying it forward by
     * this machine's monotonic clock gives "now" to within half that round trip. The median over
     * the agents stands for the fleet. Good enough to choose an instant a second or more ahead.
     *
     * @throws IOException when no agent is reachable and synced
     */
    public long referenceNowNanos(List<Device> devices) throws IOException {
        List<Device> list = devices.stream().filter(d -> d.kind() == Device.Kind.AGENT).toList();
        List<CompletableFuture<long[]>> asks = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (Device d : list) {
            long sent = System.nanoTime();
            asks.add(agents.status(d.host(), d.port()).thenApply(r -> {
                long received = System.nanoTime();
                if (r.status() == null || r.error() != null || r.status().offsetNanos() == null) {
                    synchronized (why) {
                        why.add(d.name() + ": " + (r.error() != null ? r.error() : "not synced"));
                    }
                    return null;
                }
                // Saturated: an agent's local_wall_ns is its own word, and must not wrap around.
                return new long[] {subtractSaturated(r.status().localWallNanos(), r.status().offsetNanos()),
                        sent + (received - sent) / 2};
            }));
        }
        List<Long> nows = new ArrayList<>();
        for (CompletableFuture<long[]> a : asks) {
            long[] v = a.join();
            if (v != null) {
                nows.add(addSaturated(v[0], System.nanoTime() - v[1]));
            }
        }
        if (nows.isEmpty()) {
            throw new IOException("no agent is reachable and synced, so the reference time is unknown"
                    + (why.isEmpty() ? "" : " (" + why.get(0) + (why.size() > 1 ? ", ..." : "") + ")"));
        }
        long[] sorted = nows.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /**
     * Fires {@code plan} on {@code devices} and waits for the reports.
     *
     * @param referenceNowNanos the reference time now (from {@link #referenceNowNanos}); the wait is timed from it
     * @param progress          receives one line per acknowledgement or refusal as they come (may be null)
     */
    public Result fire(List<Device> devices, Plan plan, long referenceNowNanos, Consumer<String> progress)
            throws InterruptedException {
        if (key == null) {
            throw new IllegalStateException("a watcher has no key and cannot fire");
        }
        long startMono = System.nanoTime();
        Consumer<String> say = progress == null ? s -> { } : progress;
        Object sayLock = new Object();
        Trigger trigger = new Trigger(Trigger.newId(), plan.action(), plan.atNanos(), plan.atNanos(), plan.everyNanos(),
                plan.count(), plan.maxBoundNanos(), null).signedWith(key);
        String body = JsonText.write(TriggerJson.toMap(trigger));

        int n = devices.size();
        DeviceOutcome[] outcomes = new DeviceOutcome[n];
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Device d = devices.get(i);
            int slot = i;
            if (d.kind() != Device.Kind.AGENT) {
                outcomes[i] = new DeviceOutcome(d.name(), d.target(), "skipped", "not an agent: only agents fire actions",
                        null, null, List.of());
                continue;
            }
            sends.add(agents.post(d.authority(), TriggerDesk.PATH, body, AgentClient.MAX_ACK_BYTES, timeoutNanos)
                    .thenApply(r -> {
                DeviceOutcome o = acknowledged(d, r);
                outcomes[slot] = o;
                synchronized (sayLock) {
                    say.accept(o.status().equals("scheduled")
                            ? d.name() + ": accepted, predicted bound " + Durations.format(o.predictedBoundNanos())
                            : d.name() + ": " + o.summary());
                }
                return null;
            }));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

        // Wait past the last instant (on this machine's monotonic clock, from the reference "now"),
        // then ask each agent that accepted for its report until all are done or time is up.
        boolean anyAccepted = false;
        for (DeviceOutcome o : outcomes) {
            anyAccepted |= o.status().equals("scheduled");
        }
        long lastInstantMono = startMono + (trigger.lastInstantNanos() - referenceNowNanos);
        long sleep = lastInstantMono - System.nanoTime() + 20_000_000L;
        if (anyAccepted && sleep > 0) {
            Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
        }
        // Reports are awaited one request timeout plus a grace after the last instant, and no
        // request outlives that: a trickling agent cannot stretch the wait.
        long deadline = lastInstantMono + timeoutNanos + REPORT_GRACE_NANOS;
        boolean pending = true;
        while (pending) {
            pending = false;
            List<CompletableFuture<Void>> asks = new ArrayList<>();
            long requestNanos = Math.min(timeoutNanos, deadline - System.nanoTime());
            for (int i = 0; i < n; i++) {
                if (outcomes[i].status().equals("scheduled")) {
                    int slot = i;
                    asks.add(report(devices.get(i), trigger, requestNanos).thenAccept(o -> outcomes[slot] = o));
                }
            }
            CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).join();
            for (DeviceOutcome o : outcomes) {
                pending |= o.status().equals("scheduled");
            }
            if (pending) {
                if (deadline - System.nanoTime() < 100_000_000L) {
                    for (int i = 0; i < n; i++) {
                        if (outcomes[i].status().equals("scheduled")) {
                            DeviceOutcome o = outcomes[i];
                            outcomes[i] = o.reason() != null && o.reason().startsWith("unreachable")
                                    ? new DeviceOutcome(o.name(), o.target(), "unreachable", o.reason(), null,
                                            o.predictedBoundNanos(), o.firings())
                                    : new DeviceOutcome(o.name(), o.target(), "failed",
                                            "no report of every firing after the last instant (" + o.firings().size()
                                                    + " of " + trigger.count() + ")", null, o.predictedBoundNanos(),
                                            o.firings());
                        }
                    }
                    break;
                }
                Thread.sleep(100);
            }
        }
        return judge(trigger, plan, Arrays.asList(outcomes));
    }

    private static DeviceOutcome acknowledged(Device d, AgentClient.Answer r) {
        if (r.error() != null) {
            return new DeviceOutcome(d.name(), d.target(), "unreachable", r.error(), null, null, List.of());
        }
        Map<String, Object> answer;
        try {
            answer = JsonText.object(r.body());
        } catch (IOException e) {
            return new DeviceOutcome(d.name(), d.target(), "failed", "HTTP " + r.statusCode()
                    + " with an unreadable answer (not a lockstep agent?)", null, null, List.of());
        }
        if (r.statusCode() == 202 && Boolean.TRUE.equals(answer.get("accepted"))
                && answer.get("predicted_bound_ns") instanceof Long bound) {
            return new DeviceOutcome(d.name(), d.target(), "scheduled", null, null, bound, List.of());
        }
        Object error = answer.get("error");
        Object code = answer.get("code");
        if (r.statusCode() >= 400 && r.statusCode() < 500 && error != null) {
            return new DeviceOutcome(d.name(), d.target(), "refused", String.valueOf(error),
                    code == null ? null : String.valueOf(code), null, List.of());
        }
        return new DeviceOutcome(d.name(), d.target(), "failed", "HTTP " + r.statusCode()
                + (error == null ? "" : ": " + error), null, null, List.of());
    }

    /**
     * Fetches a report; stays "scheduled" until the agent says the trigger is done (with the
     * reason when the report could not be read, which the caller's deadline turns final), except
     * for an answer over the limit, which ends that agent's part at once.
     */
    private CompletableFuture<DeviceOutcome> report(Device d, Trigger t, long requestNanos) {
        return agents.get(d.authority(), TriggerDesk.PATH + "/" + t.id(), AgentClient.MAX_REPORT_BYTES, requestNanos)
                .thenApply(r -> {
            String problem = null;
            List<FiringReport> firings = new ArrayList<>();
            boolean done = false;
            Long bound = null;
            if (r.tooLarge()) {
                return new DeviceOutcome(d.name(), d.target(), "unreachable", r.error() + " (after accepting the trigger)",
                        null, null, List.of());
            }
            if (r.error() != null) {
                problem = r.error() + " (after accepting the trigger)";
            } else if (r.statusCode() != 200) {
                problem = "HTTP " + r.statusCode() + " asking for the report of trigger " + t.id();
            } else {
                try {
                    TriggerReport report = parseReport(r.body());
                    done = report.done();
                    bound = report.predictedBoundNanos();
                    firings.addAll(report.firings());
                } catch (IOException e) {
                    problem = "unreadable report: " + message(e);
                }
            }
            if (problem != null) {
                // A transient failure: keep waiting (the deadline decides), but remember why.
                return new DeviceOutcome(d.name(), d.target(), "scheduled", problem, null, bound, firings);
            }
            if (!done) {
                return new DeviceOutcome(d.name(), d.target(), "scheduled", null, null, bound, firings);
            }
            long ok = firings.stream().filter(FiringReport::fired).count();
            if (ok == t.count() && firings.size() == t.count()) {
                return new DeviceOutcome(d.name(), d.target(), "fired", null, null, bound, firings);
            }
            String why = firings.stream().filter(f -> !f.fired()).findFirst()
                    .map(f -> "firing #" + f.index() + " " + f.outcome().toLowerCase(java.util.Locale.ROOT)
                            + (f.detail().isEmpty() ? "" : ": " + f.detail()))
                    .orElse(firings.size() + " of " + t.count() + " firings reported");
            return new DeviceOutcome(d.name(), d.target(), "failed", ok + "/" + t.count() + " fired; " + why, null,
                    bound, firings);
        });
    }

    /**
     * Spreads per firing and the verdict, in one pass over the reports (linear in their number,
     * whatever count the trigger claims); agent-supplied numbers are added and subtracted with
     * saturation, and an impossible bound is a problem, never a pass.
     */
    static Result judge(Trigger t, Plan plan, List<DeviceOutcome> outcomes) {
        List<String> problems = new ArrayList<>();
        java.util.TreeMap<Integer, SpreadSum> byIndex = new java.util.TreeMap<>();
        for (DeviceOutcome o : outcomes) {
            switch (o.status()) {
                case "fired", "skipped" -> { }
                default -> problems.add(o.name() + " " + o.summary());
            }
            Long late = o.worstLatenessNanos();
            if (late != null && absSaturated(late) > plan.toleranceNanos()) {
                problems.add(o.name() + " fired " + Durations.format(late) + " from the instant, outside the tolerance of "
                        + Durations.format(plan.toleranceNanos()));
            }
            java.util.Set<Integer> seen = new java.util.HashSet<>();
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

    private static String message(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        if (c instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (c instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
