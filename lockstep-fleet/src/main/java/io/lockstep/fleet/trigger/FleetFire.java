package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.SafeText;
import io.lockstep.time.Durations;

/**
 * The monitor's side of {@code lockstep fleet fire}, the orchestration: it signs one trigger,
 * sends it to every agent at once through the {@link AgentClient}, collects each
 * acknowledgement or refusal, and near the last instant asks each agent that accepted for its
 * report, which the agent holds until the trigger is done ({@code wait_ms}), so the monitor
 * learns of the last firing when it happens instead of polling (an agent that predates
 * {@code wait_ms} is asked again every {@value #RETRY_PAUSE_MILLIS} ms, as before). What each
 * answer means and the verdict over the fleet are {@link FireJudge}'s, a pure function of the
 * answers; the dashboard reads past firings through a {@link FiringWatcher}, which needs no key.
 * Devices that are not agents cannot fire and are listed as skipped. Thread-safe: each
 * {@link #fire} call works on its own.
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
     * @param status              {@code FIRED} (every firing ran), {@code REFUSED}, {@code FAILED} (some
     *                            firing did not run or failed), {@code UNREACHABLE}, or {@code SKIPPED} (not an
     *                            agent); {@code SCHEDULED} only while {@link #fire} still waits for the report
     * @param reason              why, for anything but {@code fired}; null otherwise
     * @param refusalCode         the agent's refusal code ({@code replay}, ...), or null
     * @param predictedBoundNanos the bound the agent predicted at the first instant, or null
     * @param firings             the agent's reports, by index (empty unless accepted)
     */
    public record DeviceOutcome(String name, String target, FiringState status, String reason, String refusalCode,
                                Long predictedBoundNanos, List<FiringReport> firings) {

        public DeviceOutcome {
            // The reason and code may quote an agent's answer: they reach the terminal and logs.
            reason = SafeText.printable(reason);
            refusalCode = SafeText.printable(refusalCode);
            Objects.requireNonNull(status, "status");
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
                if (f.fired() && (worst == null || FireJudge.absSaturated(f.latenessNanos()) > FireJudge.absSaturated(worst))) {
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
            String word = status.word();
            return reason != null && reason.startsWith(word + ":") ? reason : word + ": " + reason;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("target", target);
            m.put("status", status.word());
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

    /** How long before the last instant the monitor starts asking for reports (the agents hold them). */
    static final long ASK_AHEAD_NANOS = 1_000_000_000L;

    /** Pause before asking again an agent that answered at once (one that predates {@code wait_ms}, or a failure). */
    static final long RETRY_PAUSE_MILLIS = 100;

    /** Less time than this left: no new request is sent. */
    private static final long MIN_ASK_NANOS = 50_000_000L;

    private static final Executor RETRY_PAUSE = CompletableFuture.delayedExecutor(RETRY_PAUSE_MILLIS,
            TimeUnit.MILLISECONDS);

    private final FleetKey key;
    private final long timeoutNanos;
    private final AgentClient agents;

    /**
     * @param key          the fleet key triggers are signed with
     * @param timeoutNanos how long one request to an agent may take
     */
    public FleetFire(FleetKey key, long timeoutNanos) {
        this.key = Objects.requireNonNull(key, "key");
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        this.agents = new AgentClient(timeoutNanos);
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
                return new long[] {FireJudge.subtractSaturated(r.status().localWallNanos(), r.status().offsetNanos()),
                        sent + (received - sent) / 2};
            }));
        }
        List<Long> nows = new ArrayList<>();
        for (CompletableFuture<long[]> a : asks) {
            long[] v = a.join();
            if (v != null) {
                nows.add(FireJudge.addSaturated(v[0], System.nanoTime() - v[1]));
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
                outcomes[i] = new DeviceOutcome(d.name(), d.target(), FiringState.SKIPPED,
                        "not an agent: only agents fire actions", null, null, List.of());
                continue;
            }
            sends.add(agents.trigger(d.authority(), body).thenAccept(ack -> {
                DeviceOutcome o = FireJudge.acknowledged(d, ack);
                outcomes[slot] = o;
                synchronized (sayLock) {
                    say.accept(o.status() == FiringState.SCHEDULED
                            ? d.name() + ": accepted, predicted bound " + Durations.format(o.predictedBoundNanos())
                            : d.name() + ": " + o.summary());
                }
            }));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

        // On this machine's monotonic clock, from the reference "now": the last instant, and the
        // deadline for reports (one request timeout plus a grace after it; no request outlives
        // it, so a trickling agent cannot stretch the wait).
        long lastInstantMono = startMono + (trigger.lastInstantNanos() - referenceNowNanos);
        long deadline = lastInstantMono + timeoutNanos + REPORT_GRACE_NANOS;
        boolean anyAccepted = Arrays.stream(outcomes).anyMatch(o -> o.status() == FiringState.SCHEDULED);
        long sleep = lastInstantMono - ASK_AHEAD_NANOS - System.nanoTime();
        if (anyAccepted && sleep > 0) {
            // One sleep until shortly before the last instant; from there the agents say when they are done.
            Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
        }
        List<CompletableFuture<Void>> reports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (outcomes[i].status() == FiringState.SCHEDULED) {
                int slot = i;
                reports.add(awaitReport(devices.get(i), trigger, outcomes[i], deadline)
                        .thenAccept(o -> outcomes[slot] = o));
            }
        }
        CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).join();
        return FireJudge.judge(trigger, plan, Arrays.asList(outcomes));
    }

    /**
     * Asks {@code d} for its report of {@code t} until it is final or {@code deadlineMono}
     * passes: each request lets the agent hold its answer until the trigger is done, leaving one
     * request timeout before the deadline for the answer to arrive. The future never fails.
     */
    private CompletableFuture<DeviceOutcome> awaitReport(Device d, Trigger t, DeviceOutcome last, long deadlineMono) {
        long left = deadlineMono - System.nanoTime();
        if (left < MIN_ASK_NANOS) {
            return CompletableFuture.completedFuture(FireJudge.gaveUp(last, t));
        }
        long waitNanos = Math.min(Math.max(0, left - timeoutNanos), FleetApi.MAX_REPORT_WAIT_NANOS);
        long requestNanos = Math.min(left, waitNanos + timeoutNanos);
        return agents.report(d.authority(), t.id(), waitNanos, requestNanos).thenCompose(answer -> {
            DeviceOutcome o = FireJudge.reported(d, t, answer);
            if (o.status() != FiringState.SCHEDULED) {
                return CompletableFuture.completedFuture(o);
            }
            // The agent held the answer for the wait: ask again at once. It answered at once (it
            // predates wait_ms, or the request failed): pause first, so it is not asked in a loop.
            CompletableFuture<Void> pause = answer.waited() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> { }, RETRY_PAUSE);
            return pause.thenCompose(x -> awaitReport(d, t, o, deadlineMono));
        });
    }
}
