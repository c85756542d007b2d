package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code lockstep bench scheduler}: a short run prints the table; out-of-range options are bad input. */
class BenchSchedulerCommandTest {

    @Test
    void aShortRunPrintsTheTable() {
        MainTest.Result r = MainTest.run("bench", "scheduler", "--firings", "100", "--spacing", "1ms",
                "--poll-firings", "2", "--warmup", "0", "--spin", "300us");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| Lockstep scheduler (park, spin last 300 us) | 100"), r.out());
        assertTrue(r.out().contains("| poll the clock every 50 ms (the bash loop)  | 2"), r.out());
    }

    @Test
    void tooFewFiringsAreBadInput() {
        MainTest.Result r = MainTest.run("bench", "scheduler", "--firings", "5");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "--firings must be between 100 and 1000000");
    }
}
