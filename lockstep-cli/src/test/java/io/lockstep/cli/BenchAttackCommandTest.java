package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code lockstep bench attack} parses and refuses; the serve runs are the bench's (too long for
 * unit tests); one quick fleet run checks the tables' shape (no numbers judged).
 */
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

    @Test
    void anUnknownFleetAttackOrTargetIsAOneLineUsageError() {
        MainTest.Result r = MainTest.run("bench", "attack", "--target", "fleet", "--fleet-attacks", "agent-syn-flood");
        assertEquals(Main.EXIT_USAGE, r.code());
        MainTest.assertOneLineError(r, "unknown fleet attack 'agent-syn-flood'");
        r = MainTest.run("bench", "attack", "--target", "router");
        assertEquals(Main.EXIT_USAGE, r.code());
        MainTest.assertOneLineError(r, "--target must be serve or fleet");
    }

    @Test
    void aQuickFleetRunPrintsBothTables() {
        MainTest.Result r = MainTest.run("bench", "attack", "--target", "fleet", "--quick", "--fleet-attacks",
                "agent-early-close,hostile-escapes");
        assertEquals(0, r.code(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("| target | attack") && out.contains("| agent  | early-close"), out);
        assertTrue(out.contains("descriptors before / peak / after") && out.contains("honest polls answered"), out);
        for (String monitor : new String[]{"| fleet status", "| fleet fire", "| dashboard"}) {
            assertTrue(out.contains(monitor), monitor + " row missing: " + out);
        }
    }
}
