package io.lockstep.schedule;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.ClockView;
import io.lockstep.clock.SyncedClock;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;

/**
 * Runs actions at instants of a reference clock. Each instant is converted to local wall time
 * through the {@link SyncedClock}'s latest model ({@code local = reference + offset}); the
 * scheduler parks until shortly before it, waking every {@link SchedulerOptions#recheckNanos()}
 * to convert again (a new model may have moved it), then spins the last
 * {@link SchedulerOptions#spinNanos()} on the local clock and calls the action, and reports a
 * {@link Firing}: when it ran in local and reference time, the bound, the lateness. Periodic jobs
 * tick at reference times {@code k·period + phase}, each tick converted through the model of its
 * own moment, so drift corrections apply and a 1 Hz blink stays in phase for hours.
 *
 * <p>A scheduler built with {@link #forLocal(TimeSource)} has no reference: instants are that
 * clock's own wall time (its bound is the source's own uncertainty).
 *
 * <p>Refusals: a job is refused up front ({@link ScheduleRefusedException}) when the clock is not
 * {@link ClockState#SYNCED}, the instant is not in the future, or the bound predicted at the
 * instant exceeds the caller's limit. At the instant itself it is checked again: the action does
 * not run (outcome {@link Firing.Outcome#REFUSED}) when the clock has fallen back to SYNCING (a
 * step was detected) or its bound then exceeds the limit; holdover with a bound within the limit
 * fires.
 *
 * <p>The firing thread is tuned by {@link SchedulerOptions#tuning()} (by default the installed
 * {@link FiringThreadTuning}: on Linux with lockstep-linux, timer slack 1 ns and SCHED_FIFO where
 * permitted); {@link #mode()} says what is in effect. Under a real-time policy the spin is capped
 * by a {@link SpinBudget} shared by every scheduler in the JVM, so it never starves the machine.
 *
 * <p>Threading: one daemon thread per scheduler waits and runs every action and listener, in
 * instant order; keep them short (under a real-time policy they run ahead of every ordinary
 * thread). All public methods are thread-safe and may be called from any thread, including from
 * actions. {@link #close()} stops the thread and cancels what is pending.
 */
public final class Scheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    /** A limit on the error bound that every bound meets. */
    public static final long NO_BOUND_LIMIT = Long.MAX_VALUE;

    final Object lock = new Object();
    private final Timebase timebase;
    private final TimeSource local;
    private final SchedulerOptions options;
    private final PriorityQueue<ScheduledJob> queue = new PriorityQueue<>(
            Comparator.comparingLong((ScheduledJob j) -> j.dueReferenceNanos).thenComparingLong(j -> j.sequence));
    private final Thread thread;
    private final CountDownLatch tuned = new CountDownLatch(1);
    /** What the tuning put in effect; written by the scheduler's thread before {@link #tuned} opens. */
    private volatile FiringThreadTuning.Applied applied;
    /** The shared spin budget under a real-time policy, null otherwise; used by the scheduler's thread only. */
    private SpinBudget budget;
    private long sequence;
    private boolean closed;

    private Scheduler(Timebase timebase, SchedulerOptions options, String name) {
        this.timebase = timebase;
        this.local = timebase.local();
        this.options = Objects.requireNonNull(options, "options");
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A scheduler for instants of the reference clock that {@code clock} tracks. */
    public static Scheduler forClock(SyncedClock clock) {
        return forClock(clock, SchedulerOptions.defaults());
    }

    /** A scheduler for instants of the reference clock that {@code clock} tracks. */
    public static Scheduler forClock(SyncedClock clock, SchedulerOptions options) {
        return new Scheduler(new Timebase.Synced(Objects.requireNonNull(clock, "clock")), options,
                "lockstep-scheduler");
    }

    /** A scheduler for instants of {@code local}'s own wall time (no reference clock). */
    public static Scheduler forLocal(TimeSource local) {
        return forLocal(local, SchedulerOptions.defaults());
    }

    /** A scheduler for instants of {@code local}'s own wall time (no reference clock). */
    public static Scheduler forLocal(TimeSource local, SchedulerOptions options) {
        return new Scheduler(new Timebase.Local(Objects.requireNonNull(local, "local")), options,
                "lockstep-scheduler");
    }

    /**
     * One line saying how the firing thread waits: its priority and timer slack as tuned, and under
     * a real-time policy the cap on its spin. Waits (a few seconds at most) for the thread to have
     * tuned itself.
     */
    public String mode() {
        try {
            if (!tuned.await(10, TimeUnit.SECONDS)) {
                return "scheduler: the firing thread has not started yet";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "scheduler: interrupted before the firing thread reported its mode";
        }
        FiringThreadTuning.Applied a = applied;
        if (!a.realTime()) {
            return a.mode();
        }
        return a.mode() + ", spin " + Math.min(options.spinNanos(), SpinBudget.MAX_SPIN_NANOS) / 1_000 + " us (capped at "
                + SpinBudget.MAX_SPIN_NANOS / 1_000 + " us a firing, " + Math.round(SpinBudget.SHARE * 100) + "% of the time)";
    }

    /** The local clock this scheduler reads and waits on. */
    public TimeSource localSource() {
        return local;
    }

    /**
     * Reference time now (wall ns since the Unix epoch).
     *
     * @throws IllegalStateException while the clock has no model yet
     */
    public long nowReferenceNanos() {
        ClockView model = requireModel();
        return model.toReference(local.wallNanos());
    }

    /** The reference time at local wall time {@code localNanos}, by the current model. */
    public long toReferenceNanos(long localNanos) {
        return requireModel().toReference(localNanos);
    }

    /** The error bound of the reference time at local wall time {@code localNanos}, by the current model. */
    public long boundAtLocalNanos(long localNanos) {
        return requireModel().errorBoundAt(localNanos);
    }

    /** The local wall time at which the reference will read {@code referenceNanos}, by the current model. */
    public long toLocalNanos(long referenceNanos) {
        return requireModel().toLocal(referenceNanos);
    }

    /** The error bound the current model predicts at reference instant {@code referenceNanos}. */
    public long predictedBoundNanos(long referenceNanos) {
        ClockView model = requireModel();
        return model.errorBoundAt(model.toLocal(referenceNanos));
    }

    /** {@link #at(long, long, Action, Consumer)} without a bound limit or listener. */
    public ScheduledJob at(long referenceNanos, Action action) throws ScheduleRefusedException {
        return at(referenceNanos, NO_BOUND_LIMIT, action, null);
    }

    /**
     * Runs {@code action} once when the reference clock reads {@code referenceNanos}.
     *
     * @param maxBoundNanos the largest error bound the caller accepts at the instant
     * @param listener      receives the {@link Firing} on the scheduler's thread (may be null)
     * @throws ScheduleRefusedException when the clock is not SYNCED, the instant is not in the
     *                                  future, the predicted bound exceeds {@code maxBoundNanos},
     *                                  or the scheduler is closed
     */
    public ScheduledJob at(long referenceNanos, long maxBoundNanos, Action action, Consumer<Firing> listener)
            throws ScheduleRefusedException {
        return submit(action, listener, 0, 0, 1, maxBoundNanos, 0, referenceNanos);
    }

    /** {@link #every(long, long, long, long, long, Action, Consumer)} from the next tick, forever, without a bound limit. */
    public ScheduledJob every(long periodNanos, long phaseNanos, Action action, Consumer<Firing> listener)
            throws ScheduleRefusedException {
        return every(periodNanos, phaseNanos, Long.MIN_VALUE, 0, NO_BOUND_LIMIT, action, listener);
    }

    /**
     * Runs {@code action} at every reference instant {@code k·period + phase} from the first one
     * after both now and {@code notBeforeReferenceNanos}. A tick the scheduler reaches half a
     * period late or more is skipped (outcome {@link Firing.Outcome#MISSED}), so the series stays
     * in phase instead of catching up in a burst.
     *
     * @param periodNanos             the period (reference ns)
     * @param phaseNanos              the offset of the ticks from the multiples of the period (any
     *                                value; taken modulo the period)
     * @param notBeforeReferenceNanos the earliest tick ({@link Long#MIN_VALUE}: the next one)
     * @param count                   ticks to run (every outcome counts); ≤ 0 runs until cancelled
     * @param maxBoundNanos           the largest error bound accepted at each tick
     * @param listener                receives each tick's {@link Firing} on the scheduler's thread (may be null)
     * @throws ScheduleRefusedException as {@link #at(long, long, Action, Consumer)}, for the first tick
     */
    public ScheduledJob every(long periodNanos, long phaseNanos, long notBeforeReferenceNanos, long count,
                              long maxBoundNanos, Action action, Consumer<Firing> listener)
            throws ScheduleRefusedException {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("the period must be positive");
        }
        long phase = Math.floorMod(phaseNanos, periodNanos);
        ClockView model = timebase.view();
        if (!model.hasModel()) {
            throw unsynced();
        }
        long nowReference = model.toReference(local.wallNanos());
        long earliest = Math.max(nowReference + 1, notBeforeReferenceNanos);
        // The first k with k·period + phase ≥ earliest.
        long firstTick = Math.floorDiv(earliest - phase, periodNanos);
        if (firstTick * periodNanos + phase < earliest) {
            firstTick++;
        }
        return submit(action, listener, periodNanos, phase, count, maxBoundNanos, firstTick,
                firstTick * periodNanos + phase);
    }

    private ScheduledJob submit(Action action, Consumer<Firing> listener, long periodNanos, long phaseNanos,
                                long count, long maxBoundNanos, long firstTick, long referenceNanos)
            throws ScheduleRefusedException {
        Objects.requireNonNull(action, "action");
        if (maxBoundNanos < 0) {
            throw new IllegalArgumentException("the bound limit must not be negative");
        }
        ClockView model = timebase.view();
        if (!model.hasModel()) {
            throw unsynced();
        }
        long nowLocal = local.wallNanos();
        ClockState state = model.stateAt(nowLocal);
        if (state != ClockState.SYNCED) {
            throw new ScheduleRefusedException(ScheduleRefusedException.Reason.NOT_SYNCED,
                    "the clock is " + state + ", not SYNCED" + (state == ClockState.SYNCING
                            ? ": its drift is not known yet" : ": the reference stopped answering"));
        }
        long nowReference = model.toReference(nowLocal);
        if (referenceNanos - nowReference <= 0) {
            throw new ScheduleRefusedException(ScheduleRefusedException.Reason.INSTANT_PAST,
                    "the instant is " + Durations.format(nowReference - referenceNanos) + " in the past");
        }
        long targetLocal = model.toLocal(referenceNanos);
        long bound = model.errorBoundAt(targetLocal);
        if (bound > maxBoundNanos) {
            throw new ScheduleRefusedException(ScheduleRefusedException.Reason.BOUND_TOO_LARGE,
                    "the clock's error bound at the instant would be " + Durations.format(bound)
                            + ", more than the limit of " + Durations.format(maxBoundNanos));
        }
        ScheduledJob job;
        synchronized (lock) {
            if (closed) {
                throw new ScheduleRefusedException(ScheduleRefusedException.Reason.CLOSED, "the scheduler is closed");
            }
            job = new ScheduledJob(this, action, listener, periodNanos, phaseNanos, count, maxBoundNanos, firstTick,
                    referenceNanos, targetLocal, bound, sequence++);
            queue.add(job);
        }
        LockSupport.unpark(thread);
        return job;
    }

    private static ScheduleRefusedException unsynced() {
        return new ScheduleRefusedException(ScheduleRefusedException.Reason.NOT_SYNCED,
                "the clock is UNSYNCED: no usable exchange with the reference yet");
    }

    boolean cancel(ScheduledJob job) {
        Firing cancelled;
        synchronized (lock) {
            // A one-shot action already called cannot be stopped.
            if (job.finished || job.cancelled || (job.running && job.periodNanos == 0)) {
                return false;
            }
            job.cancelled = true;
            if (!queue.remove(job)) {
                // The scheduler's thread holds it (spinning, or running a tick): it sees the flag
                // and reports the cancellation.
                LockSupport.unpark(thread);
                return true;
            }
            job.finished = true;
            cancelled = notRun(job, job.tick, job.dueReferenceNanos, Firing.Outcome.CANCELLED, "cancelled");
            job.ticksDone++;
        }
        LockSupport.unpark(thread);
        deliver(job, cancelled, true);
        return true;
    }

    /** Stops the scheduler's thread; pending jobs finish as {@link Firing.Outcome#CANCELLED}. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Tunes this (the scheduler's) thread; a tuning that fails leaves it as it was, and says so. */
    private void tune() {
        FiringThreadTuning.Applied a;
        if (options.waiter() != SchedulerOptions.Waiter.PARK) {
            // A virtual-time waiter: the spin waits on a clock that another thread advances, which a
            // real-time thread could keep from running.
            a = new FiringThreadTuning.Applied("scheduler: normal priority (virtual-time waiter, not tuned)", false);
        } else {
            try {
                a = options.tuning().applyToCurrentThread();
            } catch (RuntimeException | LinkageError e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                a = new FiringThreadTuning.Applied("scheduler: normal priority, default timer slack (tuning failed: "
                        + why.replace('\n', ' ').strip() + ")", false);
            }
        }
        budget = a.realTime() ? SpinBudget.SHARED : null;
        applied = a;
        tuned.countDown();
    }

    /** The stretch before an instant to spin rather than park; capped under a real-time policy. */
    private long spinStretchNanos() {
        return budget == null ? options.spinNanos() : budget.allowedNanos(options.spinNanos(), System.nanoTime());
    }

    private void loop() {
        try {
            tune();
            while (true) {
                ScheduledJob job;
                long due;
                synchronized (lock) {
                    if (closed) {
                        break;
                    }
                    job = queue.peek();
                    due = job == null ? 0 : job.dueReferenceNanos;
                }
                if (job == null) {
                    LockSupport.park(this);
                    continue;
                }
                ClockView model = timebase.view();
                long targetLocal = model.toLocal(due);
                long remaining = targetLocal - local.wallNanos();
                long spinNanos = spinStretchNanos();
                if (remaining > spinNanos) {
                    options.waiter().park(Math.min(remaining - spinNanos, options.recheckNanos()));
                    continue;
                }
                long tick;
                synchronized (lock) {
                    if (closed) {
                        break;
                    }
                    if (queue.peek() != job || job.dueReferenceNanos != due) {
                        continue;
                    }
                    queue.poll();
                    tick = job.tick;
                }
                runTick(job, tick, due, model, targetLocal, spinNanos);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "scheduler thread failed", e);
        } finally {
            List<ScheduledJob> pending;
            synchronized (lock) {
                closed = true;
                pending = new ArrayList<>(queue);
                queue.clear();
            }
            for (ScheduledJob job : pending) {
                Firing f;
                synchronized (lock) {
                    job.finished = true;
                    f = notRun(job, job.tick, job.dueReferenceNanos, Firing.Outcome.CANCELLED, "the scheduler was closed");
                    job.ticksDone++;
                }
                deliver(job, f, true);
            }
        }
    }

    /** The spin, the checks, the action, the report, and the next tick of a periodic job. */
    private void runTick(ScheduledJob job, long tick, long due, ClockView model, long targetLocal, long spinNanos) {
        // Judge the clock at the instant before spinning, so nothing but the stamp lies between
        // the end of the spin and the action.
        String refusal = refusal(job, model, targetLocal);
        long nowLocal;
        long spinStartMono = System.nanoTime();
        while ((nowLocal = local.wallNanos()) - targetLocal < 0) {
            if (budget != null && System.nanoTime() - spinStartMono > spinNanos) {
                // Spun its allowance (a new model moved the instant, or the local clock runs slow):
                // a real-time thread parks rather than spin on.
                budget.spent(System.nanoTime() - spinStartMono);
                options.waiter().park(Math.min(Math.max(targetLocal - nowLocal - spinNanos, 1_000L),
                        options.recheckNanos()));
                spinNanos = spinStretchNanos();
                spinStartMono = System.nanoTime();
                continue;
            }
            Thread.onSpinWait();
            ClockView latest = timebase.view();
            if (latest != model) {
                model = latest;
                targetLocal = model.toLocal(due);
                refusal = refusal(job, model, targetLocal);
            }
        }
        if (budget != null) {
            budget.spent(System.nanoTime() - spinStartMono);
        }
        boolean cancelled;
        synchronized (lock) {
            cancelled = job.cancelled;
            job.running = !cancelled;
        }
        Firing.Outcome outcome;
        String detail = "";
        long lateNanos = model.toReference(nowLocal) - due;
        if (cancelled) {
            outcome = Firing.Outcome.CANCELLED;
            detail = "cancelled";
        } else if (job.periodNanos > 0 && lateNanos >= job.periodNanos / 2) {
            outcome = Firing.Outcome.MISSED;
            detail = "reached " + Durations.format(lateNanos) + " after the tick; skipped to stay in phase";
        } else if (refusal != null) {
            outcome = Firing.Outcome.REFUSED;
            detail = refusal;
        } else {
            try {
                job.action.run(due);
                outcome = Firing.Outcome.FIRED;
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                // An action's own error fails its firing, not the scheduler and every job behind it.
                outcome = Firing.Outcome.FAILED;
                detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            }
        }
        long actualReference = model.toReference(nowLocal);
        Firing firing = new Firing(tick, due, targetLocal, nowLocal, actualReference, model.errorBoundAt(nowLocal),
                actualReference - due, model.stateAt(nowLocal), outcome, detail);
        boolean last;
        synchronized (lock) {
            job.ticksDone++;
            job.running = false;
            last = job.cancelled || job.periodNanos == 0 || (job.count > 0 && job.ticksDone >= job.count) || closed;
            if (last) {
                job.finished = true;
            } else {
                job.tick = tick + 1;
                job.dueReferenceNanos = due + job.periodNanos;
                queue.add(job);
            }
        }
        deliver(job, firing, last);
    }

    /** Why the clock cannot be trusted at {@code targetLocal}, or null when it can. */
    private String refusal(ScheduledJob job, ClockView model, long targetLocal) {
        ClockState state = model.stateAt(targetLocal);
        if (state == ClockState.SYNCING || state == ClockState.UNSYNCED) {
            return "the clock is " + state + " at the instant (the reference stepped or was lost)";
        }
        long bound = model.errorBoundAt(targetLocal);
        if (bound > job.maxBoundNanos) {
            return "the clock's error bound at the instant is " + Durations.format(bound) + ", more than the limit of "
                    + Durations.format(job.maxBoundNanos);
        }
        return null;
    }

    /** A firing record for a tick whose action did not run, stamped now. Called under the lock. */
    private Firing notRun(ScheduledJob job, long tick, long due, Firing.Outcome outcome, String detail) {
        ClockView model = timebase.view();
        long nowLocal = local.wallNanos();
        long nowReference = model.toReference(nowLocal);
        return new Firing(tick, due, model.toLocal(due), nowLocal, nowReference,
                model.errorBoundAt(nowLocal), nowReference - due, model.stateAt(nowLocal), outcome, detail);
    }

    private static void deliver(ScheduledJob job, Firing firing, boolean last) {
        if (job.listener != null) {
            try {
                job.listener.accept(firing);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a firing listener failed", e);
            }
        }
        if (last) {
            job.complete(firing);
        }
    }

    private ClockView requireModel() {
        ClockView model = timebase.view();
        if (!model.hasModel()) {
            throw new IllegalStateException("clock not synchronised yet: no usable exchange with the reference");
        }
        return model;
    }
}
