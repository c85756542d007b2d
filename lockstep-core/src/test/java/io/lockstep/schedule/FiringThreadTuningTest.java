package io.lockstep.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.lockstep.time.TimeSource;

/**
 * The firing thread's tuning as the scheduler applies it: without lockstep-linux (core's own tests
 * have none) the no-op default, and a tuning that is refused or fails, each leaves a scheduler
 * that fires and a one-line mode that says what is in effect; a real-time thread's spin is capped.
 */
class FiringThreadTuningTest {

    private static final long S = 1_000_000_000L;
    private static final long WAIT = 60 * S;

    /** Fires once 20 ms from now on the real clock; returns the outcome. */
    private static Firing fireOnce(Scheduler scheduler) throws Exception {
        TimeSource clock = scheduler.localSource();
        return scheduler.at(clock.wallNanos() + 20_000_000L, r -> { }).await(WAIT);
    }

    @Test
    void withoutAProviderTheDefaultLeavesTheThreadAloneAndSaysSo() throws Exception {
        assertSame(FiringThreadTuning.NONE, FiringThreadTuning.installed());
        try (Scheduler scheduler = Scheduler.forLocal(TimeSource.system())) {
            assertEquals(Firing.Outcome.FIRED, fireOnce(scheduler).outcome());
            String mode = scheduler.mode();
            assertTrue(mode.startsWith("scheduler: normal priority, default timer slack (no firing-thread tuning"), mode);
            assertFalse(mode.contains("\n"), mode);
        }
    }

    @Test
    void aRefusedRealTimePriorityFallsBackInOneLineAndStillFires() throws Exception {
        AtomicReference<Thread> tunedThread = new AtomicReference<>();
        FiringThreadTuning refused = () -> {
            tunedThread.set(Thread.currentThread());
            return new FiringThreadTuning.Applied(
                    "scheduler: normal priority, timer slack 1 ns (SCHED_FIFO not permitted: operation not permitted)", false);
        };
        AtomicReference<Thread> firedOn = new AtomicReference<>();
        try (Scheduler scheduler = Scheduler.forLocal(TimeSource.system(), SchedulerOptions.defaults().withTuning(refused))) {
            TimeSource clock = scheduler.localSource();
            Firing f = scheduler.at(clock.wallNanos() + 20_000_000L, r -> firedOn.set(Thread.currentThread())).await(WAIT);
            assertEquals(Firing.Outcome.FIRED, f.outcome());
            assertEquals("scheduler: normal priority, timer slack 1 ns (SCHED_FIFO not permitted: operation not permitted)",
                    scheduler.mode());
        }
        assertSame(firedOn.get(), tunedThread.get(), "the firing thread itself is tuned, and only it");
    }

    @Test
    void aTuningThatThrowsLeavesANormalThreadThatFires() throws Exception {
        FiringThreadTuning broken = () -> {
            throw new UnsatisfiedLinkError("no libc\nhere");
        };
        try (Scheduler scheduler = Scheduler.forLocal(TimeSource.system(), SchedulerOptions.defaults().withTuning(broken))) {
            assertEquals(Firing.Outcome.FIRED, fireOnce(scheduler).outcome());
            assertEquals("scheduler: normal priority, default timer slack (tuning failed: no libc here)", scheduler.mode());
        }
    }

    @Test
    void aRealTimeThreadSaysItsSpinIsCappedAndFires() throws Exception {
        // Claims real time without changing the thread: the scheduler's cap applies all the same.
        FiringThreadTuning realTime = () -> new FiringThreadTuning.Applied("scheduler: SCHED_FIFO priority 10, timer slack 1 ns", true);
        SchedulerOptions options = SchedulerOptions.defaults().withTuning(realTime).withSpinNanos(5 * S);
        try (Scheduler scheduler = Scheduler.forLocal(TimeSource.system(), options)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Firing.Outcome.FIRED, fireOnce(scheduler).outcome());
            }
            assertEquals("scheduler: SCHED_FIFO priority 10, timer slack 1 ns, spin 1000 us (capped at 1000 us a firing,"
                    + " 25% of the time)", scheduler.mode());
        }
    }

    @Test
    void aVirtualTimeSchedulerIsNotTuned() throws Exception {
        FiringThreadTuning mustNotRun = () -> {
            throw new AssertionError("a virtual-time scheduler's thread was tuned");
        };
        io.lockstep.time.VirtualTimeSource time = new io.lockstep.time.VirtualTimeSource();
        SchedulerOptions options = SchedulerOptions.defaults().withSpinNanos(0).withWaiter(time::advance).withTuning(mustNotRun);
        try (Scheduler scheduler = Scheduler.forLocal(time, options)) {
            assertEquals(Firing.Outcome.FIRED, scheduler.at(time.wallNanos() + S, r -> { }).await(WAIT).outcome());
            assertEquals("scheduler: normal priority (virtual-time waiter, not tuned)", scheduler.mode());
        }
    }

    @Test
    void theSpinBudgetCapsEachFiringAndTheShareOfTime() {
        SpinBudget budget = new SpinBudget();
        long t = 0;
        // Each firing: at most 1 ms, whatever is asked.
        assertEquals(SpinBudget.MAX_SPIN_NANOS, budget.allowedNanos(5 * S, t));
        assertEquals(300_000L, budget.allowedNanos(300_000L, t));
        // Spinning back to back drains the 10 ms bucket ...
        for (int i = 0; i < 10; i++) {
            budget.spent(budget.allowedNanos(5 * S, t));
        }
        assertEquals(0, budget.allowedNanos(5 * S, t));
        // ... which refills at a quarter of the elapsed time: 2 ms later, 0.5 ms may be spun.
        t += 2_000_000L;
        assertEquals(500_000L, budget.allowedNanos(5 * S, t));
        // Over a long run the spin is at most a quarter of the time.
        long spun = 0;
        for (int i = 0; i < 10_000; i++) {
            t += 1_000_000L;
            long allowed = budget.allowedNanos(5 * S, t);
            budget.spent(allowed);
            spun += allowed;
        }
        assertTrue(spun <= 10_000 * 1_000_000L / 4 + SpinBudget.BURST_NANOS, "spun " + spun);
    }
}
