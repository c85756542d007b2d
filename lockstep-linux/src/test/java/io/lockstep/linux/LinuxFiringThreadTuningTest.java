package io.lockstep.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.lockstep.schedule.FiringThreadTuning;
import io.lockstep.schedule.Firing;
import io.lockstep.schedule.Scheduler;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.TimeSource;

/** The firing-thread tuning on this Linux host: what it sets reads back, and only on the tuned thread. */
class LinuxFiringThreadTuningTest {

    private static void assumeSupported() {
        assumeTrue(LinuxTimestampingTransport.unsupportedReason(System.getProperty("os.name"),
                System.getProperty("os.arch")) == null, "64-bit Linux only");
    }

    /** Runs {@code task} on a fresh thread (tuning changes the calling thread; the test's must stay as it is). */
    private static <T> T onFreshThread(Supplier<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "tuning-test");
        t.start();
        return result.get(60, TimeUnit.SECONDS);
    }

    private record Seen(FiringThreadTuning.Applied applied, long slackNanos, int policy) {
    }

    @Test
    void theTimerSlackReadsBackOneNanosecondOnTheTunedThreadOnly() throws Exception {
        assumeSupported();
        long before = LinuxFiringThreadTuning.currentTimerSlackNanos();
        Seen seen = onFreshThread(() -> {
            FiringThreadTuning.Applied a = new LinuxFiringThreadTuning(0).applyToCurrentThread();
            return new Seen(a, LinuxFiringThreadTuning.currentTimerSlackNanos(), LinuxFiringThreadTuning.currentPolicy());
        });
        assertEquals(1, seen.slackNanos(), seen.applied().mode());
        assertFalse(seen.applied().realTime());
        assertEquals(ThreadLibc.SCHED_OTHER, seen.policy());
        assertTrue(seen.applied().mode().startsWith("scheduler: normal priority, timer slack 1 ns ("),
                seen.applied().mode());
        assertEquals(before, LinuxFiringThreadTuning.currentTimerSlackNanos(), "the test's own thread was not touched");
    }

    @Test
    void fifoWherePermittedOrAOneLineReasonWhereNot() throws Exception {
        assumeSupported();
        Seen seen = onFreshThread(() -> {
            FiringThreadTuning.Applied a = new LinuxFiringThreadTuning(1).applyToCurrentThread();
            return new Seen(a, LinuxFiringThreadTuning.currentTimerSlackNanos(), LinuxFiringThreadTuning.currentPolicy());
        });
        String mode = seen.applied().mode();
        assertFalse(mode.contains("\n"), mode);
        if (seen.applied().realTime()) {
            assertEquals(ThreadLibc.SCHED_FIFO, seen.policy() & ~ThreadLibc.SCHED_RESET_ON_FORK, mode);
            assertTrue((seen.policy() & ThreadLibc.SCHED_RESET_ON_FORK) != 0, "children start at normal priority");
            assertEquals("scheduler: SCHED_FIFO priority 1, timer slack 1 ns", mode);
            // Kernels since 6.7 report a real-time thread's slack as 0: it has none.
            assertTrue(seen.slackNanos() == 1 || seen.slackNanos() == 0, "slack " + seen.slackNanos());
        } else {
            assertEquals(ThreadLibc.SCHED_OTHER, seen.policy(), mode);
            assertEquals(1, seen.slackNanos(), mode);
            assertTrue(mode.startsWith("scheduler: normal priority, timer slack 1 ns (SCHED_FIFO not permitted: "), mode);
        }
    }

    @Test
    void theServiceLoaderFindsItAndTheSchedulerUsesIt() throws Exception {
        assumeSupported();
        assertInstanceOf(LinuxFiringThreadTuning.class, FiringThreadTuning.installed());
        TimeSource clock = TimeSource.system();
        try (Scheduler scheduler = Scheduler.forLocal(clock, SchedulerOptions.defaults())) {
            long[] slack = {-2};
            var job = scheduler.at(clock.wallNanos() + 50_000_000L,
                    r -> slack[0] = LinuxFiringThreadTuning.currentTimerSlackNanos());
            Firing f = job.await(60_000_000_000L);
            assertEquals(Firing.Outcome.FIRED, f.outcome());
            String mode = scheduler.mode();
            assertTrue(mode.startsWith("scheduler: SCHED_FIFO") || mode.startsWith("scheduler: normal priority, timer slack 1 ns"),
                    mode);
            assertTrue(slack[0] == 1 || (slack[0] == 0 && mode.contains("SCHED_FIFO")), slack[0] + " / " + mode);
        }
    }
}
