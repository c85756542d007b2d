package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code lockstep bench attack} parses and refuses; the runs themselves are the bench's (too long for unit tests). */
class BenchAttackCommandTest {

    @Test
    void anUnknownAttackIsAOneLineUsageError() {
        MainTest.Result r = MainTest.run("bench", "attack", "--attacks", "ntp-flood,syn-flood");
        assertEquals(Main.EXIT_USAGE, r.code());
        MainTest.assertOneLineError(r, "unknown attack 'syn-flood'");
    }

    @Test
    void outOfRangeSizesNameTheirOption() {
        MainTest.Result r = MainTest.run("bench", "attack", "--threads", "0");
        assertEquals(Main.EXIT_USAGE, r.code());
        MainTest.assertOneLineError(r, "--threads 0 is out of range 1-64");
        r = MainTest.run("bench", "attack", "--idle-hold", "1ms");
        MainTest.assertOneLineError(r, "--idle-hold");
    }

    @Test
    void helpListsTheAttacksAndTheFlagSets() {
        MainTest.Result r = MainTest.run("bench", "attack", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--jvm=LABEL=FLAGS") && r.out().contains("echo-churn"), r.out());
    }
}
