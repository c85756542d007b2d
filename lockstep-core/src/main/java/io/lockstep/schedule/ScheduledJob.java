package io.lockstep.schedule;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A job accepted by a {@link Scheduler}: one instant ({@link Scheduler#at}) or a periodic series
 * of ticks ({@link Scheduler#every}). It can be cancelled, and its {@link #result()} completes
 * with the one-shot's {@link Firing}, or with a periodic job's last one (after its count of ticks;
 * after {@link #cancel()}, a {@link Firing.Outcome#CANCELLED} record, or the tick that was running
 * when the job was cancelled). Every firing, including
 * each periodic tick, also goes to the job's listener. Thread-safe: the scheduler's thread and
 * any caller meet under the scheduler's lock.
 */
public final class ScheduledJob {

    final Scheduler scheduler;
    final Action action;
    final Consumer<Firing> listener;
    final long periodNanos;
    final long phaseNanos;
    final long count;
    final long maxBoundNanos;
    final long firstReferenceNanos;
    final long predictedLocalNanos;
    final long predictedBoundNanos;
    final long sequence;
    private final CompletableFuture<Firing> result = new CompletableFuture<>();

    // Guarded by the scheduler's lock.
    long tick;
    long dueReferenceNanos;
    long ticksDone;
    boolean cancelled;
    boolean running;
    boolean finished;

    ScheduledJob(Scheduler scheduler, Action action, Consumer<Firing> listener, long periodNanos, long phaseNanos,
                 long count, long maxBoundNanos, long firstTick, long firstReferenceNanos, long predictedLocalNanos,
                 long predictedBoundNanos, long sequence) {
        this.scheduler = scheduler;
        this.action = action;
        this.listener = listener;
        this.periodNanos = periodNanos;
        this.phaseNanos = phaseNanos;
        this.count = count;
        this.maxBoundNanos = maxBoundNanos;
        this.firstReferenceNanos = firstReferenceNanos;
        this.predictedLocalNanos = predictedLocalNanos;
        this.predictedBoundNanos = predictedBoundNanos;
        this.sequence = sequence;
        this.tick = firstTick;
        this.dueReferenceNanos = firstReferenceNanos;
    }

    /** The (first) reference instant of this job, wall ns since the Unix epoch. */
    public long firstReferenceNanos() {
        return firstReferenceNanos;
    }

    /** The local wall time the first instant converted to when the job was accepted. */
    public long predictedLocalNanos() {
        return predictedLocalNanos;
    }

    /**
     * The clock's error bound at the first instant as predicted when the job was accepted, from
     * the model of that moment alone; new exchanges until then usually make the real one smaller.
     */
    public long predictedBoundNanos() {
        return predictedBoundNanos;
    }

    /** The period of a periodic job; 0 for a one-shot job. */
    public long periodNanos() {
        return periodNanos;
    }

    /** Firings reported so far (each tick counts, whatever its outcome). */
    public long firings() {
        synchronized (scheduler.lock) {
            return ticksDone;
        }
    }

    /**
     * Cancels the job. An action already running finishes; no later tick runs.
     *
     * @return true when this stopped at least one run of the action; false when the job had
     *         already finished
     */
    public boolean cancel() {
        return scheduler.cancel(this);
    }

    /** True once the job has finished (fired its last tick, or was cancelled). */
    public boolean isDone() {
        return result.isDone();
    }

    /** Completes with the one-shot's firing, or a periodic job's last one. */
    public CompletableFuture<Firing> result() {
        return result;
    }

    /**
     * Waits for {@link #result()}.
     *
     * @throws TimeoutException when the job has not finished within {@code timeoutNanos}
     */
    public Firing await(long timeoutNanos) throws TimeoutException, InterruptedException {
        try {
            return result.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("scheduler failed", e.getCause());
        }
    }

    void complete(Firing last) {
        result.complete(last);
    }
}
