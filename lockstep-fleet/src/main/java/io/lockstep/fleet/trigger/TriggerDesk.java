package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;

import io.lockstep.clock.SyncedClock;
import io.lockstep.fleet.Agent;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.HttpReplies;
import io.lockstep.fleet.LineLimiter;
import io.lockstep.fleet.SafeText;
import io.lockstep.fleet.TriggerReport;
import io.lockstep.fleet.action.Action;
import io.lockstep.fleet.action.ActionKind;
import io.lockstep.fleet.action.ActionRunner;
import io.lockstep.schedule.Firing;
import io.lockstep.schedule.ScheduleRefusedException;
import io.lockstep.schedule.ScheduledJob;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;

/**
 * The agent's side of triggers: it checks each incoming trigger (signature under the fleet key,
 * expiry, replay, the action in the agent's own file, the instant neither past nor too far, the
 * clock synced with a small enough bound at the instant), schedules the accepted ones on a
 * {@link Scheduler} over the agent's {@link SyncedClock}, performs the named action through the
 * {@link ActionRunner} at each instant, and keeps a report of every firing. Each acceptance,
 * refusal and firing is logged (System.Logger) and handed to journal listeners; a refusal is
 * written once (the journal when it has a listener, the System.Logger otherwise), at most
 * {@value #REFUSAL_LINES_PER_SECOND} a second, the rest summarised in one line per second.
 *
 * <p>HTTP ({@link #install}): {@code POST /api/triggers} takes a trigger and answers 202 with an
 * {@link Acknowledgement}, or a 4xx {@code {"error": REASON, "code": CODE}};
 * {@code GET /api/triggers} lists recent triggers; {@code GET /api/triggers/ID} reports one with
 * its firings, and with {@code ?wait_ms=N} holds the answer until the trigger is done or N ms
 * (at most {@link FleetApi#MAX_REPORT_WAIT_NANOS}, and half the server's response deadline) have
 * passed, so a monitor need not poll for the last firing.
 *
 * <p>Thread-safe: acceptance is serialised (so a trigger and its replay cannot both pass), and
 * the reports are read under the same lock; actions run on the scheduler's one thread.
 */
public final class TriggerDesk implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TriggerDesk.class.getName());

    /** Path of the trigger resource. */
    public static final String PATH = FleetApi.TRIGGERS_PATH;
    /** Largest trigger body read; a real one is about 300 bytes. */
    public static final int MAX_BODY_BYTES = 4096;
    /** Firings kept per trigger report (the latest ones); a long periodic trigger counts the rest. */
    public static final int MAX_REPORTED_FIRINGS = 1000;
    /**
     * Firing reports kept across all triggers (about 165 bytes each, so under 1 MB): whatever
     * periodic triggers ask, the oldest reports go first. 51 triggers of 1,000 firings each used
     * to fill the agent's 16 MB heap.
     */
    public static final int MAX_KEPT_FIRINGS = 4096;
    /** Age (host monotonic) after which a firing report is dropped; counts stay. */
    public static final long MAX_FIRING_AGE_NANOS = 3_600_000_000_000L;

    /**
     * What the desk accepts.
     *
     * @param maxAheadNanos  how far ahead of now the last instant and the expiry may lie
     * @param minLeadNanos   how far ahead the instant must at least be (time to schedule and spin)
     * @param maxBoundNanos  the agent's own limit on its error bound at an instant
     *                       ({@link Scheduler#NO_BOUND_LIMIT}: only the trigger's own)
     * @param replayCapacity most unexpired trigger ids remembered (and so triggers pending)
     * @param historySize    trigger reports kept for {@code GET /api/triggers}
     */
    public record Limits(long maxAheadNanos, long minLeadNanos, long maxBoundNanos, int replayCapacity, int historySize) {

        /** One hour ahead at most, 1 ms lead, no bound limit of the agent's own, 10,000 ids, 256 reports. */
        public static Limits defaults() {
            return new Limits(3_600_000_000_000L, 1_000_000L, Scheduler.NO_BOUND_LIMIT, 10_000, 256);
        }

        public Limits {
            if (maxAheadNanos <= 0 || minLeadNanos < 0 || maxBoundNanos < 0 || replayCapacity < 1 || historySize < 1) {
                throw new IllegalArgumentException("trigger limits must be positive");
            }
        }

        public Limits withMaxBoundNanos(long nanos) {
            return new Limits(maxAheadNanos, minLeadNanos, nanos, replayCapacity, historySize);
        }

        public Limits withMaxAheadNanos(long nanos) {
            return new Limits(nanos, minLeadNanos, maxBoundNanos, replayCapacity, historySize);
        }

        public Limits withReplayCapacity(int n) {
            return new Limits(maxAheadNanos, minLeadNanos, maxBoundNanos, n, historySize);
        }
    }

    /** One accepted trigger and what became of it so far. Guarded by the desk's lock. */
    private static final class Entry {
        final Trigger trigger;
        final Action action;
        final long predictedBoundNanos;
        final ArrayDeque<FiringReport> firings = new ArrayDeque<>();
        final Map<Long, long[]> ran = new LinkedHashMap<>();
        int firingsDone;
        int firingsOk;
        ScheduledJob job;

        Entry(Trigger trigger, Action action, long predictedBoundNanos) {
            this.trigger = trigger;
            this.action = action;
            this.predictedBoundNanos = predictedBoundNanos;
        }

        boolean done() {
            return firingsDone >= trigger.count() || (job != null && job.isDone());
        }
    }

    private final String agentName;
    private final SyncedClock clock;
    private final ActionRunner runner;
    private final FleetKey key;
    private final Limits limits;
    private final Scheduler scheduler;
    private final ReplayGuard replays;
    private final TimeSource host = TimeSource.system();
    private final Map<String, Entry> history;
    /** Every report kept, oldest first, across all entries (also those evicted from the history). Guarded by this. */
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private final List<Consumer<String>> journal = new CopyOnWriteArrayList<>();
    /** Refusal lines written per second at most; the rest are counted in one summary line. */
    public static final int REFUSAL_LINES_PER_SECOND = 10;
    private final LineLimiter refusalLines = new LineLimiter(REFUSAL_LINES_PER_SECOND, 1_000_000_000L, "refusals",
            this::writeRefusal);
    /** Longest a report answer is held for {@code wait_ms}. */
    private volatile long maxReportWaitNanos = FleetApi.MAX_REPORT_WAIT_NANOS;
    /** False for a {@link FiringWarmup}'s throwaway desk, whose firings are nobody's business. */
    private final boolean logged;

    /**
     * @param agentName the agent's name, in acknowledgements
     * @param clock     the reference clock as the agent sees it
     * @param runner    performs the actions (its actions file is the only list of what may run)
     * @param key       the fleet key; null refuses every trigger (the agent was started without {@code --key})
     * @param limits    what the desk accepts
     * @param options   how the scheduler waits
     */
    public TriggerDesk(String agentName, SyncedClock clock, ActionRunner runner, FleetKey key, Limits limits,
                       SchedulerOptions options) {
        this(agentName, clock, runner, key, limits, options, true);
    }

    TriggerDesk(String agentName, SyncedClock clock, ActionRunner runner, FleetKey key, Limits limits,
                SchedulerOptions options, boolean logged) {
        this.logged = logged;
        this.agentName = Objects.requireNonNull(agentName, "agentName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.key = key;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.scheduler = Scheduler.forClock(clock, options);
        this.replays = new ReplayGuard(limits.replayCapacity());
        int keep = limits.historySize();
        this.history = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > keep;
            }
        };
    }

    /**
     * A desk for {@code agent}, its routes added to the agent's HTTP API.
     *
     * @param key null when the agent has no fleet key: triggers are then refused
     */
    public static TriggerDesk install(Agent agent, ActionRunner runner, FleetKey key, Limits limits) {
        return install(agent, runner, key, limits, SchedulerOptions.defaults());
    }

    /**
     * A desk for {@code agent} whose scheduler waits as {@code options} say (many agents in one
     * process share its cores: a shorter spin keeps their schedulers from crowding each other out).
     */
    public static TriggerDesk install(Agent agent, ActionRunner runner, FleetKey key, Limits limits,
                                      SchedulerOptions options) {
        TriggerDesk desk = new TriggerDesk(agent.config().name(), agent.clock(), runner, key, limits, options);
        // A held answer must leave before the server's response deadline closes the connection.
        desk.maxReportWaitNanos = Math.min(FleetApi.MAX_REPORT_WAIT_NANOS, agent.httpLimits().responseDeadlineNanos() / 2);
        agent.route(PATH, desk::handle);
        return desk;
    }

    /** Adds a listener for one-line journal entries (acceptances, refusals, firings), e.g. to print them. */
    public void addJournal(Consumer<String> listener) {
        journal.add(listener);
    }

    /**
     * Checks and schedules a trigger from its JSON body.
     *
     * @throws TriggerRefusedException with the reason, also logged and journaled
     */
    public Acknowledgement accept(byte[] body) throws TriggerRefusedException {
        try {
            if (key == null) {
                throw new TriggerRefusedException(Refusal.NO_KEY,
                        "this agent has no fleet key (start it with --key FILE) and accepts no triggers");
            }
            return accept(TriggerJson.parse(body));
        } catch (TriggerRefusedException e) {
            if (e.refusal() == Refusal.MALFORMED || e.refusal() == Refusal.NO_KEY) {
                refused(null, e);
            }
            throw e;
        }
    }

    /**
     * Checks and schedules {@code t}.
     *
     * @throws TriggerRefusedException with the reason, also logged and journaled
     */
    public Acknowledgement accept(Trigger t) throws TriggerRefusedException {
        try {
            return check(t);
        } catch (TriggerRefusedException e) {
            refused(t, e);
            throw e;
        }
    }

    private synchronized Acknowledgement check(Trigger t) throws TriggerRefusedException {
        if (key == null) {
            throw new TriggerRefusedException(Refusal.NO_KEY,
                    "this agent has no fleet key (start it with --key FILE) and accepts no triggers");
        }
        if (t.signature() == null) {
            throw new TriggerRefusedException(Refusal.UNSIGNED, "the trigger carries no signature");
        }
        if (!key.verify(t.canonical(), t.signature())) {
            throw new TriggerRefusedException(Refusal.BAD_SIGNATURE,
                    "the signature does not match this trigger under the fleet key (another key, or a changed field)");
        }
        if (clock.model() == null) {
            throw new TriggerRefusedException(Refusal.NOT_SYNCED,
                    "the clock is UNSYNCED: no usable exchange with the reference yet");
        }
        long now = scheduler.nowReferenceNanos();
        long expiryClock = replays.expiryClockNanos(now);
        if (t.expiresNanos() < expiryClock) {
            throw new TriggerRefusedException(Refusal.EXPIRED, "the trigger expired "
                    + Durations.format(expiryClock - t.expiresNanos()) + " ago"
                    + (expiryClock > now ? " (by the latest reference time seen; the reference has stepped back since)" : ""));
        }
        if (replays.seen(t.id(), now)) {
            throw new TriggerRefusedException(Refusal.REPLAY, "trigger " + t.id() + " was already accepted");
        }
        Action action = runner.actions().find(t.action()).orElseThrow(() -> new TriggerRefusedException(
                Refusal.UNKNOWN_ACTION, "no action '" + t.action() + "' in " + runner.actions().source()));
        if (action.kind() == ActionKind.TICK && !t.periodic()) {
            throw new TriggerRefusedException(Refusal.WRONG_KIND,
                    "'" + action.name() + "' is a tick action: a trigger for it needs a period (every)");
        }
        // Saturated: an instant near Long.MIN_VALUE must not wrap into a large positive lead.
        long leadNanos = subtractSaturated(t.atNanos(), now);
        if (leadNanos < limits.minLeadNanos()) {
            throw new TriggerRefusedException(Refusal.PAST, t.atNanos() <= now
                    ? "the instant is " + Durations.format(subtractSaturated(now, t.atNanos())) + " in the past"
                    : "the instant is only " + Durations.format(t.atNanos() - now) + " ahead, less than the "
                    + Durations.format(limits.minLeadNanos()) + " the agent needs");
        }
        long furthest = Math.max(t.lastInstantNanos(), t.expiresNanos());
        if (subtractSaturated(furthest, now) > limits.maxAheadNanos()) {
            throw new TriggerRefusedException(Refusal.TOO_FAR, (t.lastInstantNanos() >= t.expiresNanos()
                    ? "the last instant is " : "the expiry is ") + Durations.format(furthest - now)
                    + " ahead, more than the " + Durations.format(limits.maxAheadNanos()) + " this agent accepts");
        }
        if (replays.size(now) >= limits.replayCapacity()) {
            throw new TriggerRefusedException(Refusal.TOO_MANY, "this agent already holds " + limits.replayCapacity()
                    + " unexpired triggers; try again after some expire");
        }
        long maxBound = Math.min(limits.maxBoundNanos(), t.maxBoundNanos() > 0 ? t.maxBoundNanos() : Long.MAX_VALUE);
        long predicted = scheduler.predictedBoundNanos(t.atNanos());
        Entry entry = new Entry(t, action, predicted);
        ScheduledJob job;
        try {
            if (t.periodic()) {
                job = scheduler.every(t.everyNanos(), Math.floorMod(t.atNanos(), t.everyNanos()), t.atNanos(), t.count(),
                        maxBound, due -> perform(entry, due), f -> fired(entry, f));
            } else {
                job = scheduler.at(t.atNanos(), maxBound, due -> perform(entry, due), f -> fired(entry, f));
            }
        } catch (ScheduleRefusedException e) {
            Refusal r = switch (e.reason()) {
                case NOT_SYNCED -> Refusal.NOT_SYNCED;
                case BOUND_TOO_LARGE -> Refusal.BOUND_TOO_LARGE;
                case INSTANT_PAST -> Refusal.PAST;
                case CLOSED -> Refusal.CLOSED;
            };
            throw new TriggerRefusedException(r, e.getMessage());
        }
        entry.job = job;
        replays.admit(t.id(), t.expiresNanos(), now);
        history.put(t.id(), entry);
        Acknowledgement ack = new Acknowledgement(agentName, t.id(), t.action(), action.kind().word(), t.atNanos(),
                t.count(), job.predictedBoundNanos(), job.predictedLocalNanos());
        String line = "trigger " + t.id() + " accepted: " + t.action() + " at " + t.atNanos()
                + (t.periodic() ? " every " + Durations.formatCompact(t.everyNanos()) + " x" + t.count() : "")
                + ", predicted bound " + Durations.format(job.predictedBoundNanos());
        log(System.Logger.Level.INFO, line);
        emit(line);
        return ack;
    }

    private static long subtractSaturated(long a, long b) {
        long d = a - b;
        // Overflow only when the operands differ in sign and the result's sign differs from a's.
        if (((a ^ b) & (a ^ d)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return d;
    }

    /**
     * Relative error of a local duration taken as a reference duration: far above any drift a
     * tracker accepts (crystals are within ±100 ppm), so a long action's half-width is never under-stated.
     */
    static final double DURATION_SLACK = 1e-3;

    /**
     * Runs on the scheduler's thread at the instant. The action's effect happens somewhere
     * between the call and its return (a pipe write completes, a process starts, a file is
     * written), and the machine may pause anywhere in between: so the local clock is read right
     * before and right after, with this host's clock (the truth a bench compares) in between,
     * and the report states the midpoint with half the interval added to its bound.
     */
    private void perform(Entry entry, long dueReferenceNanos) throws Exception {
        Trigger t = entry.trigger;
        int index = t.periodic() ? (int) ((dueReferenceNanos - t.atNanos()) / t.everyNanos()) : 0;
        String line = t.action() + " " + t.id() + " " + dueReferenceNanos + " " + index;
        TimeSource local = scheduler.localSource();
        long beforeLocal = local.wallNanos();
        long hostWall = host.wallNanos();
        long startMono = System.nanoTime();
        ActionRunner.Outcome outcome = runner.run(entry.action, line);
        long took = System.nanoTime() - startMono;
        long afterLocal = local.wallNanos();
        long halfLocal = Math.max(0, afterLocal - beforeLocal) / 2;
        long midLocal = beforeLocal + halfLocal;
        long half = halfLocal + (long) Math.ceil(halfLocal * DURATION_SLACK);
        long firedReference = scheduler.toReferenceNanos(midLocal);
        long bound = scheduler.boundAtLocalNanos(midLocal) + half;
        synchronized (this) {
            entry.ran.put(dueReferenceNanos, new long[] {hostWall, took, firedReference, midLocal, bound});
        }
        if (!outcome.ok()) {
            throw new Exception(outcome.detail());
        }
    }

    /** Receives each firing from the scheduler: completes the report, logs it. */
    private void fired(Entry entry, Firing f) {
        Trigger t = entry.trigger;
        long due = f.scheduledReferenceNanos();
        int index = t.periodic() ? (int) Math.floorDiv(due - t.atNanos(), t.everyNanos()) : 0;
        FiringReport report;
        synchronized (this) {
            long[] ran = entry.ran.remove(due);
            // When the action ran, its own stamps replace the scheduler's reading before it.
            long firedReference = ran == null ? f.actualReferenceNanos() : ran[2];
            long firedLocal = ran == null ? f.actualLocalNanos() : ran[3];
            long bound = ran == null ? f.errorBoundNanos() : ran[4];
            report = new FiringReport(index, due, firedReference, firedLocal, bound, firedReference - due,
                    ran == null ? null : ran[0], ran == null ? null : ran[1], f.outcome(), f.detail());
            entry.firingsDone++;
            if (report.fired()) {
                entry.firingsOk++;
            }
            if (entry.firings.size() >= MAX_REPORTED_FIRINGS) {
                entry.firings.removeFirst();
            }
            entry.firings.addLast(report);
            kept.addLast(new Kept(entry, report, System.nanoTime()));
            forgetOld();
            if (entry.done()) {
                // Wakes the report requests held for wait_ms.
                notifyAll();
            }
        }
        String line = "fired " + t.action() + " " + t.id() + " #" + index + " " + f.outcome() + " reference "
                + report.firedReferenceNanos() + " lateness " + Durations.format(report.latenessNanos()) + " bound "
                + Durations.format(report.errorBoundNanos()) + (f.detail().isEmpty() ? "" : ": " + f.detail());
        log(f.outcome() == Firing.Outcome.FIRED ? System.Logger.Level.INFO : System.Logger.Level.WARNING, line);
        emit(line);
    }

    private void refused(Trigger t, TriggerRefusedException e) {
        // A malformed trigger's reason quotes the sender's text: control characters would forge journal lines.
        refusalLines.offer(SafeText.printable("trigger " + (t == null ? "(unreadable)" : t.id() + " (" + t.action() + ")")
                + " refused: " + e.getMessage()));
    }

    /**
     * Writes a refusal line once: to the journal when it has a reader (the agent's stdout), to the
     * System.Logger otherwise. Anyone on the network can cause refusals, so they are rate-limited.
     */
    private void writeRefusal(String line) {
        if (journal.isEmpty()) {
            log(System.Logger.Level.WARNING, line);
        } else {
            emit(line);
        }
    }

    private void log(System.Logger.Level level, String line) {
        if (logged) {
            LOG.log(level, line);
        }
    }

    private void emit(String line) {
        for (Consumer<String> j : journal) {
            try {
                j.accept(line);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "journal listener failed: " + e);
            }
        }
    }

    /** One kept firing report, in the order they arrived. */
    private record Kept(Entry entry, FiringReport report, long keptMonoNanos) {
    }

    /** Drops the oldest reports beyond {@link #MAX_KEPT_FIRINGS} or older than {@link #MAX_FIRING_AGE_NANOS}. */
    private synchronized void forgetOld() {
        long now = System.nanoTime();
        while (!kept.isEmpty() && (kept.size() > MAX_KEPT_FIRINGS
                || now - kept.peekFirst().keptMonoNanos() >= MAX_FIRING_AGE_NANOS)) {
            Kept k = kept.removeFirst();
            // An entry's reports leave in arrival order; one already dropped by the per-trigger cap is not there.
            if (k.entry().firings.peekFirst() == k.report()) {
                k.entry().firings.removeFirst();
            }
        }
    }

    /** Firing reports kept now, across all triggers. */
    public synchronized int keptFirings() {
        forgetOld();
        return kept.size();
    }

    /** The report of trigger {@code id}, if it was accepted here and is still in the history. */
    public synchronized Optional<Map<String, Object>> report(String id) {
        forgetOld();
        Entry e = history.get(id);
        return e == null ? Optional.empty() : Optional.of(toJson(e, true));
    }

    /**
     * The report of trigger {@code id} once it is done, or as it stands when {@code waitNanos}
     * have passed (the desk's lock is released while waiting; each firing that ends the trigger
     * wakes the waiters).
     */
    public synchronized Optional<Map<String, Object>> report(String id, long waitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(waitNanos, maxReportWaitNanos);
        Entry e;
        while ((e = history.get(id)) != null && !e.done()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        return report(id);
    }

    /** Summaries of the triggers in the history, newest first. */
    public synchronized List<Map<String, Object>> recent() {
        forgetOld();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Entry e : history.values()) {
            list.add(0, toJson(e, false));
        }
        return list;
    }

    /** The latest firing report of any trigger, or null (for the dashboard's "last firing"). */
    public synchronized Map<String, Object> lastFiring() {
        forgetOld();
        Map<String, Object> last = null;
        long lastRef = Long.MIN_VALUE;
        for (Entry e : history.values()) {
            if (!e.firings.isEmpty()) {
                FiringReport f = e.firings.peekLast();
                if (f.referenceNanos() >= lastRef) {
                    lastRef = f.referenceNanos();
                    last = new LinkedHashMap<>();
                    last.put("id", e.trigger.id());
                    last.put("action", e.trigger.action());
                    last.putAll(f.toJson());
                }
            }
        }
        return last;
    }

    private Map<String, Object> toJson(Entry e, boolean withFirings) {
        Trigger t = e.trigger;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("action", t.action());
        m.put("kind", e.action.kind().word());
        m.put("at_ns", t.atNanos());
        m.put("every_ns", t.everyNanos());
        m.put("count", t.count());
        m.put("expires_ns", t.expiresNanos());
        m.put("predicted_bound_ns", e.predictedBoundNanos);
        m.put("state", (e.done() ? TriggerReport.State.DONE : TriggerReport.State.SCHEDULED).word());
        m.put("firings_done", e.firingsDone);
        m.put("firings_ok", e.firingsOk);
        if (withFirings) {
            m.put("firings", e.firings.stream().map(FiringReport::toJson).toList());
        }
        return m;
    }

    /** The HTTP handler for {@link #PATH} and below. */
    public void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            if ("POST".equals(method)) {
                post(ex);
            } else if ("GET".equals(method) || "HEAD".equals(method)) {
                HttpReplies.json(ex, 200, Map.of("triggers", recent()));
            } else {
                ex.getResponseHeaders().set("Allow", "GET, HEAD, POST");
                HttpReplies.error(ex, 405, method + " not allowed on " + PATH);
            }
            return;
        }
        String id = path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : "";
        if (!Trigger.ID.matcher(id).matches()) {
            HttpReplies.error(ex, 404, "no such resource: " + path);
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            HttpReplies.error(ex, 405, method + " not allowed on " + path);
            return;
        }
        Optional<Map<String, Object>> r;
        try {
            r = report(id, waitNanos(ex.getRequestURI().getRawQuery()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while holding the report of " + id, e);
        }
        if (r.isPresent()) {
            HttpReplies.json(ex, 200, r.get());
        } else {
            HttpReplies.error(ex, 404, "no trigger " + id + " on this agent");
        }
    }

    /** The {@code wait_ms} of a query, in ns; 0 when absent or not a number. */
    static long waitNanos(String query) {
        if (query == null) {
            return 0;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("wait_ms=")) {
                String v = pair.substring("wait_ms=".length());
                if (v.matches("[0-9]{1,9}")) {
                    return Long.parseLong(v) * 1_000_000L;
                }
            }
        }
        return 0;
    }

    private void post(HttpExchange ex) throws IOException {
        byte[] body = HttpReplies.body(ex, MAX_BODY_BYTES);
        if (body == null) {
            HttpReplies.error(ex, 413, "a trigger is at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        try {
            HttpReplies.json(ex, 202, accept(body).toJson());
        } catch (TriggerRefusedException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", e.getMessage());
            m.put("code", e.refusal().code());
            HttpReplies.json(ex, e.refusal().httpStatus(), m);
        }
    }

    /** One line: how the scheduler's firing thread waits (priority, timer slack, spin); see {@link Scheduler#mode()}. */
    public String schedulerMode() {
        return scheduler.mode();
    }

    /** Stops the scheduler: pending firings are reported as cancelled. The runner stays open (its owner closes it). */
    @Override
    public void close() {
        scheduler.close();
        refusalLines.flush();
    }
}
