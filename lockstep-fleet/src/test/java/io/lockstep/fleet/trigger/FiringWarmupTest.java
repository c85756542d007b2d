package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The warm-up runs every part of the firing path on its own throwaway inputs and leaves nothing
 * behind. No timing is asserted: on a busy machine some warm-up instants may pass before they
 * are scheduled, which only makes the warm-up less complete.
 */
class FiringWarmupTest {

    @Test
    void warmsEveryKindAndLeavesNoFilesBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = countWarmupDirs(tmp);
        TimeSource local = new SimulatedTimeSource(TimeSource.system(), 1_500_000_000L, 20);
        FiringWarmup.Result r = FiringWarmup.warm(local, SchedulerOptions.defaults());
        boolean hasTrue = Files.isExecutable(Path.of("/bin/true")) || Files.isExecutable(Path.of("/usr/bin/true"));
        assertEquals(2 * FiringWarmup.ROUNDS + 2 * FiringWarmup.BURST + (hasTrue ? FiringWarmup.EXEC_ROUNDS : 0) + 1,
                r.firings(), r.describe());
        assertTrue(r.fired() > 0 && r.fired() <= r.firings(), r.describe());
        assertEquals(before, countWarmupDirs(tmp), "the warm-up's temporary directory is removed");

        FiringWarmup.Result s = FiringWarmup.warmSchedulerAndExec(local, SchedulerOptions.defaults());
        assertEquals(FiringWarmup.ROUNDS, s.firings(), s.describe());
    }

    private static long countWarmupDirs(Path tmp) throws Exception {
        try (var files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("lockstep-warmup")).count();
        }
    }
}
