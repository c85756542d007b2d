package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
                if (f.fired() && (worst == null || Math.abs(f.latenessNanos()) > Math.abs(worst))) {
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

    private final FleetKey key;
    private final long timeoutNanos;
    private final HttpClient http;
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
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofNanos(timeoutNanos)).followRedirects(HttpClient.Redirect.NEVER).build();
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
            HttpRequest get = HttpRequest.newBuilder(uri(d, TriggerDesk.PATH)).timeout(Duration.ofNanos(timeoutNanos))
                    .GET().build();
            asks.add(http.sendAsync(get, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
                if (failure != null || r.statusCode() != 200) {
                    return null;
                }
                try {
                    List<Map<String, Object>> triggers = new ArrayList<>();
                    for (Object o : (List<?>) JsonTree.object(r.body()).get("triggers")) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = (Map<String, Object>) o;
                        triggers.add(m);
                    }
                    return triggers;
                } catch (IOException | RuntimeException e) {
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
                reports.add(report(d, trigger).thenAccept(o -> outcomes[slot] = o));
            }
        }
        CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).join();
        for (DeviceOutcome o : outcomes) {
            if (o.status().equals("scheduled")) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(judge(trigger, plan, Arrays.asList(outcomes)));
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
                return new long[] {r.status().localWallNanos() - r.status().offsetNanos(), sent + (received - sent) / 2};
            }));
        }
        List<Long> nows = new ArrayList<>();
        for (CompletableFuture<long[]> a : asks) {
            long[] v = a.join();
            if (v != null) {
                nows.add(v[0] + (System.nanoTime() - v[1]));
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
            HttpRequest post = HttpRequest.newBuilder(uri(d, TriggerDesk.PATH)).timeout(Duration.ofNanos(timeoutNanos))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            sends.add(http.sendAsync(post, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
                DeviceOutcome o = acknowledged(d, r, failure);
                outcomes[slot] = o;
                synchronized (sayLock) {
                    say.accept(o.status().equals("scheduled")
                            ? d.name() + ": accepted, predicted bound " + Durations.format(o.predictedBoundNanos())
                            : d.name() + ": " + o.status() + ": " + o.reason());
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
        long deadline = System.nanoTime() + 3_000_000_000L + 2 * timeoutNanos;
        boolean pending = true;
        while (pending) {
            pending = false;
            List<CompletableFuture<Void>> asks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (outcomes[i].status().equals("scheduled")) {
                    int slot = i;
                    asks.add(report(devices.get(i), trigger).thenAccept(o -> outcomes[slot] = o));
                }
            }
            CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).join();
            for (DeviceOutcome o : outcomes) {
                pending |= o.status().equals("scheduled");
            }
            if (pending) {
                if (System.nanoTime() - deadline > 0) {
                    for (int i = 0; i < n; i++) {
                        if (outcomes[i].status().equals("scheduled")) {
                            DeviceOutcome o = outcomes[i];
                            outcomes[i] = new DeviceOutcome(o.name(), o.target(), "failed",
                                    "no report of every firing after the last instant (" + o.firings().size() + " of "
                                            + trigger.count() + ")", null, o.predictedBoundNanos(), o.firings());
                        }
                    }
                    break;
                }
                Thread.sleep(100);
            }
        }
        return judge(trigger, plan, Arrays.asList(outcomes));
    }

    private DeviceOutcome acknowledged(Device d, HttpResponse<String> r, Throwable failure) {
        if (failure != null) {
            return new DeviceOutcome(d.name(), d.target(), "unreachable", "unreachable: " + message(failure), null, null,
                    List.of());
        }
        Map<String, Object> answer;
        try {
            answer = JsonTree.object(r.body());
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

    /** Fetches a report; stays "scheduled" until the agent says the trigger is done. */
    private CompletableFuture<DeviceOutcome> report(Device d, Trigger t) {
        HttpRequest get = HttpRequest.newBuilder(uri(d, TriggerDesk.PATH + "/" + t.id()))
                .timeout(Duration.ofNanos(timeoutNanos)).GET().build();
        return http.sendAsync(get, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
            DeviceOutcome was = null;
            String problem = null;
            List<FiringReport> firings = new ArrayList<>();
            boolean done = false;
            Long bound = null;
            if (failure != null) {
                problem = "unreachable after accepting: " + message(failure);
            } else if (r.statusCode() != 200) {
                problem = "HTTP " + r.statusCode() + " asking for the report of trigger " + t.id();
            } else {
                try {
                    Map<String, Object> m = JsonTree.object(r.body());
                    done = "done".equals(m.get("state"));
                    bound = m.get("predicted_bound_ns") instanceof Long b ? b : null;
                    for (Object o : (List<?>) m.getOrDefault("firings", List.of())) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> f = (Map<String, Object>) o;
                        firings.add(FiringReport.fromJson(f));
                    }
                } catch (IOException | RuntimeException e) {
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

    /** Spreads per firing and the verdict. */
    static Result judge(Trigger t, Plan plan, List<DeviceOutcome> outcomes) {
        List<String> problems = new ArrayList<>();
        for (DeviceOutcome o : outcomes) {
            switch (o.status()) {
                case "fired", "skipped" -> { }
                default -> problems.add(o.name() + " " + o.status() + ": " + o.reason());
            }
            Long late = o.worstLatenessNanos();
            if (late != null && Math.abs(late) > plan.toleranceNanos()) {
                problems.add(o.name() + " fired " + Durations.format(late) + " from the instant, outside the tolerance of "
                        + Durations.format(plan.toleranceNanos()));
            }
        }
        List<Spread> spreads = new ArrayList<>();
        for (int k = 0; k < t.count(); k++) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long hostMin = Long.MAX_VALUE;
            long hostMax = Long.MIN_VALUE;
            long bound1 = 0;
            long bound2 = 0;
            int ran = 0;
            for (DeviceOutcome o : outcomes) {
                FiringReport f = o.firing(k);
                if (f == null || !f.fired()) {
                    continue;
                }
                ran++;
                min = Math.min(min, f.firedReferenceNanos());
                max = Math.max(max, f.firedReferenceNanos());
                if (f.hostWallNanos() != null) {
                    hostMin = Math.min(hostMin, f.hostWallNanos());
                    hostMax = Math.max(hostMax, f.hostWallNanos());
                }
                long b = f.errorBoundNanos();
                if (b > bound1) {
                    bound2 = bound1;
                    bound1 = b;
                } else if (b > bound2) {
                    bound2 = b;
                }
            }
            if (ran == 0) {
                continue;
            }
            Spread s = new Spread(k, ran, max - min, ran > 1 ? bound1 + bound2 : 0,
                    hostMax >= hostMin ? hostMax - hostMin : 0);
            spreads.add(s);
            if (s.spreadNanos() > plan.toleranceNanos()) {
                problems.add("firing #" + k + ": fire spread " + Durations.format(s.spreadNanos())
                        + " exceeds the tolerance of " + Durations.format(plan.toleranceNanos()));
            }
        }
        return new Result(t, plan, List.copyOf(outcomes), List.copyOf(spreads), List.copyOf(problems));
    }

    private static URI uri(Device d, String path) {
        return URI.create("http://" + d.authority() + path);
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
