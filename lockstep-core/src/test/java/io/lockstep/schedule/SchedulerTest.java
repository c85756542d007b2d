package io.lockstep.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.ClockState;
import io.lockstep.clock.SyncedClock;
import io.lockstep.time.TimeSource;
import io.lockstep.time.VirtualTimeSource;

/**
 * The scheduler's conversion, refusals and cancellation: on a virtual clock that the scheduler's
 * own thread advances (so instants are exact and nothing depends on this machine's load), and on
 * the real clock for cancellation.
 */
class SchedulerTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long WAIT = 10 * S;

    /** A virtual clock the scheduler's waits advance, without spinning (nothing else moves it). */
    private static SchedulerOptions virtual(VirtualTimeSource time) {
        return SchedulerOptions.defaults().withSpinNanos(0).withWaiter(time::advance);
    }

    /** A model: local − reference = {@code offsetNanos}, drift known (SYNCED) or not. */
    private static ClockModel model(long atLocalNanos, long offsetNanos, double driftPpm, boolean driftKnown) {
        return new ClockModel(atLocalNanos, offsetNanos, driftPpm, 1_000, 0.01, 50_000, atLocalNanos, 20,
                atLocalNanos - 20 * S, 0, driftKnown);
    }

    @Test
    void aReferenceInstantFiresAtTheLocalTimeTheModelMapsItTo() throws Exception {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        long t0 = local.wallNanos();
        // The local clock reads 250 ms ahead of the reference, and the reference gains 10 ppm.
        feed.publish(model(t0, 250 * MS, 10, true), t0);
        try (Scheduler scheduler = Scheduler.forClock(feed.clock(), virtual(local))) {
            long instant = t0 - 250 * MS + 2 * S;
            AtomicLong localAtAction = new AtomicLong();
            ScheduledJob job = scheduler.at(instant, 1 * MS, r -> localAtAction.set(local.wallNanos()), null);
            Firing f = job.await(WAIT);
            assertEquals(Firing.Outcome.FIRED, f.outcome(), f.detail());
            // 2 s after the anchor the offset has fallen by 10 ppm × 2 s = 20 µs.
            long expectedLocal = instant + 250 * MS - 20_000;
            assertEquals(expectedLocal, f.scheduledLocalNanos(), 2);
            assertEquals(expectedLocal, f.actualLocalNanos(), 2);
            assertEquals(f.actualLocalNanos(), localAtAction.get());
            assertEquals(instant, f.actualReferenceNanos(), 2);
            assertTrue(Math.abs(f.latenessNanos()) <= 2, "lateness " + f.latenessNanos());
            assertEquals(job.predictedBoundNanos(), f.errorBoundNanos(), 1_000);
            assertEquals(0, f.tick());
        }
    }

    @Test
    void aPlainLocalClockIsItsOwnReference() throws Exception {
        VirtualTimeSource local = new VirtualTimeSource();
        try (Scheduler scheduler = Scheduler.forLocal(local, virtual(local))) {
            long instant = local.wallNanos() + 5 * S;
            Firing f = scheduler.at(instant, r -> { }).await(WAIT);
            assertEquals(Firing.Outcome.FIRED, f.outcome());
            assertEquals(instant, f.actualLocalNanos());
            assertEquals(instant, f.actualReferenceNanos());
            assertEquals(0, f.latenessNanos());
            assertEquals(ClockState.SYNCED, f.state());
        }
    }

    @Test
    void refusesWhenTheClockCannotBeTrusted() throws Exception {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        AtomicInteger runs = new AtomicInteger();
        Action action = r -> runs.incrementAndGet();
        try (Scheduler scheduler = Scheduler.forClock(feed.clock(), virtual(local))) {
            long t0 = local.wallNanos();
            ScheduleRefusedException e = assertThrows(ScheduleRefusedException.class, () -> scheduler.at(t0 + S, action));
            assertEquals(ScheduleRefusedException.Reason.NOT_SYNCED, e.reason());
            assertTrue(e.getMessage().contains("UNSYNCED"), e.getMessage());
            e = assertThrows(ScheduleRefusedException.class, () -> scheduler.every(S, 0, action, null));
            assertEquals(ScheduleRefusedException.Reason.NOT_SYNCED, e.reason());

            feed.publish(model(t0, 0, 0, false), t0);
            e = assertThrows(ScheduleRefusedException.class, () -> scheduler.at(t0 + S, action));
            assertEquals(ScheduleRefusedException.Reason.NOT_SYNCED, e.reason());
            assertTrue(e.getMessage().contains("SYNCING"), e.getMessage());

            feed.publish(model(t0, 0, 0, true), t0);
            e = assertThrows(ScheduleRefusedException.class, () -> scheduler.at(t0 - MS, action));
            assertEquals(ScheduleRefusedException.Reason.INSTANT_PAST, e.reason());
            assertTrue(e.getMessage().contains("1.000 ms in the past"), e.getMessage());

            // 50 µs of asymmetry bound alone exceed a 10 µs limit.
            e = assertThrows(ScheduleRefusedException.class, () -> scheduler.at(t0 + S, 10_000, action, null));
            assertEquals(ScheduleRefusedException.Reason.BOUND_TOO_LARGE, e.reason());
            assertTrue(e.getMessage().contains("limit of 10.00 us"), e.getMessage());
            // Far ahead the predicted bound grows with the drift's uncertainty.
            long near = scheduler.predictedBoundNanos(t0 + S);
            long far = scheduler.predictedBoundNanos(t0 + 3600 * S);
            assertTrue(far > near, near + " vs " + far);
            e = assertThrows(ScheduleRefusedException.class, () -> scheduler.at(t0 + 3600 * S, (near + far) / 2, action, null));
            assertEquals(ScheduleRefusedException.Reason.BOUND_TOO_LARGE, e.reason());

        }
        // Accepted, but the reference steps 10 s before the instant: the clock is SYNCING again
        // (drift unknown in the new segment) and the action must not run.
        long t0 = local.wallNanos();
        SchedulerOptions stepping = SchedulerOptions.defaults().withSpinNanos(0).withWaiter(nanos -> {
            local.advance(nanos);
            long now = local.wallNanos();
            if (now - t0 >= 20 * S && feed.clock().model().driftKnown()) {
                feed.publish(model(now, 5 * MS, 0, false), now);
            }
            feed.contact(now);
        });
        try (Scheduler scheduler = Scheduler.forClock(feed.clock(), stepping)) {
            ScheduledJob job = scheduler.at(t0 + 30 * S, action);
            Firing f = job.await(WAIT);
            assertEquals(Firing.Outcome.REFUSED, f.outcome());
            assertTrue(f.detail().contains("SYNCING"), f.detail());
            assertFalse(f.ran());
        }
        assertEquals(0, runs.get());
        Scheduler closed = Scheduler.forLocal(local, virtual(local));
        closed.close();
        ScheduleRefusedException e = assertThrows(ScheduleRefusedException.class,
                () -> closed.at(local.wallNanos() + S, action));
        assertEquals(ScheduleRefusedException.Reason.CLOSED, e.reason());
    }

    @Test
    void cancelledJobsDoNotRun() throws Exception {
        TimeSource system = TimeSource.system();
        AtomicInteger oneShotRuns = new AtomicInteger();
        AtomicInteger periodicRuns = new AtomicInteger();
        List<Firing> periodicFirings = new CopyOnWriteArrayList<>();
        try (Scheduler scheduler = Scheduler.forLocal(system)) {
            long now = system.wallNanos();
            // Instants a second or two ahead: a busy machine may stall this thread for a good part of
            // a second, and an instant already past is refused, a one-shot already fired not cancelled.
            ScheduledJob later = scheduler.at(now + 2 * S, r -> oneShotRuns.incrementAndGet());
            ScheduledJob soon = scheduler.at(now + 1 * S, Scheduler.NO_BOUND_LIMIT, r -> { }, null);
            ScheduledJob periodic = scheduler.every(20 * MS, 0, r -> periodicRuns.incrementAndGet(), periodicFirings::add);
            assertTrue(later.cancel());
            assertFalse(later.cancel(), "a second cancel changes nothing");
            Firing cancelled = later.await(WAIT);
            assertEquals(Firing.Outcome.CANCELLED, cancelled.outcome());
            assertEquals(now + 2 * S, cancelled.scheduledReferenceNanos());

            assertEquals(Firing.Outcome.FIRED, soon.await(WAIT).outcome());
            assertFalse(soon.cancel(), "a job that fired cannot be cancelled");

            long deadline = System.nanoTime() + WAIT;
            while (periodic.firings() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(periodic.cancel());
            Firing last = periodic.await(WAIT);
            int runsAtCancel = periodicRuns.get();
            // Past the cancelled one-shot's instant, and several periods past the cancel.
            Thread.sleep(10 * 20);
            while (system.wallNanos() - (now + 2 * S + 100 * MS) < 0) {
                Thread.sleep(10);
            }
            assertEquals(0, oneShotRuns.get());
            assertEquals(runsAtCancel, periodicRuns.get(), "no tick after the cancel");
            assertTrue(runsAtCancel >= 3, "ticks before the cancel: " + runsAtCancel);
            assertEquals(last, periodicFirings.get(periodicFirings.size() - 1));
            for (int i = 1; i < periodicFirings.size(); i++) {
                assertEquals(periodicFirings.get(i - 1).scheduledReferenceNanos() + 20 * MS,
                        periodicFirings.get(i).scheduledReferenceNanos());
            }
            assertEquals(0, Math.floorMod(periodicFirings.get(0).scheduledReferenceNanos(), 20 * MS));
        }
    }

    @Test
    void closingCancelsWhatIsPending() throws Exception {
        VirtualTimeSource local = new VirtualTimeSource();
        AtomicInteger runs = new AtomicInteger();
        Scheduler scheduler = Scheduler.forLocal(local, SchedulerOptions.defaults());
        ScheduledJob job = scheduler.at(local.wallNanos() + 3600 * S, r -> runs.incrementAndGet());
        scheduler.close();
        Firing f = job.await(WAIT);
        assertEquals(Firing.Outcome.CANCELLED, f.outcome());
        assertTrue(f.detail().contains("closed"), f.detail());
        assertEquals(0, runs.get());
    }

    @Test
    void aFailingActionIsReportedAndAPeriodicJobGoesOn() throws Exception {
        VirtualTimeSource local = new VirtualTimeSource();
        List<Firing> firings = new CopyOnWriteArrayList<>();
        try (Scheduler scheduler = Scheduler.forLocal(local, virtual(local))) {
            ScheduledJob job = scheduler.every(S, 250 * MS, Long.MIN_VALUE, 4, Scheduler.NO_BOUND_LIMIT, r -> {
                if (firings.size() == 1) {
                    throw new java.io.IOException("LED driver not ready");
                }
            }, firings::add);
            Firing last = job.await(WAIT);
            assertEquals(4, firings.size());
            assertEquals(last, firings.get(3));
            assertEquals(Firing.Outcome.FAILED, firings.get(1).outcome());
            assertEquals("LED driver not ready", firings.get(1).detail());
            for (Firing f : firings) {
                assertEquals(250 * MS, Math.floorMod(f.scheduledReferenceNanos(), S));
                assertEquals(f.scheduledReferenceNanos(), f.actualLocalNanos());
            }
            assertEquals(firings.get(0).tick() + 3, firings.get(3).tick());
        }
    }
}
