package io.lockstep.fleet.action;

import static io.lockstep.fleet.trigger.ActionRunnerTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of action performed for real: programs started, lines piped, files written. */
class ActionRunnerTest {

    @TempDir
    Path dir;

    /** An actions file whose effects land in {@code dir}; the line programs append what they read. */
    static ActionsFile effects(Path dir) {
        String loop = "while IFS= read -r l; do echo \"$l\" >> %s; done";
        return ActionsFile.parse(String.join("\n",
                "started exec sh -c \"echo started > " + dir.resolve("exec.out") + "\"",
                "blink line sh -c '" + loop.formatted(dir.resolve("line.out")) + "'",
                "led write led.value 1",
                "beat tick sh -c '" + loop.formatted(dir.resolve("tick.out")) + "'",
                "broken exec /nonexistent/program",
                ""), "actions", dir);
    }

    @Test
    void everyKindHasItsEffect() throws Exception {
        try (ActionRunner runner = ActionRunner.start(effects(dir), ProcessBuilder.Redirect.DISCARD)) {
            ActionsFile a = runner.actions();
            assertTrue(runner.running("blink"));
            assertTrue(runner.running("beat"));
            assertFalse(runner.running("started"));

            ActionRunner.Outcome exec = runner.run(a.find("started").orElseThrow(), null);
            assertTrue(exec.ok(), exec.toString());
            assertTrue(exec.detail().startsWith("started pid "), exec.detail());

            ActionRunner.Outcome write = runner.run(a.find("led").orElseThrow(), null);
            assertTrue(write.ok(), write.toString());
            assertEquals("1", Files.readString(dir.resolve("led.value")));

            for (int k = 0; k < 3; k++) {
                assertTrue(runner.run(a.find("blink").orElseThrow(), "blink t1 " + k + " " + k).ok());
                assertTrue(runner.run(a.find("beat").orElseThrow(), "beat t2 " + k + " " + k).ok());
            }
            ActionRunner.Outcome broken = runner.run(a.find("broken").orElseThrow(), null);
            assertFalse(broken.ok());
            assertTrue(broken.detail().startsWith("cannot start /nonexistent/program"), broken.detail());

            waitFor(dir.resolve("exec.out"), List.of("started"));
            waitFor(dir.resolve("line.out"), List.of("blink t1 0 0", "blink t1 1 1", "blink t1 2 2"));
            waitFor(dir.resolve("tick.out"), List.of("beat t2 0 0", "beat t2 1 1", "beat t2 2 2"));
        }
    }

    @Test
    void aLineProgramThatDiedIsAFailedOutcome() throws Exception {
        ActionsFile f = ActionsFile.parse("quitter line sh -c 'exit 3'\n", "actions", dir);
        try (ActionRunner runner = ActionRunner.start(f, ProcessBuilder.Redirect.DISCARD)) {
            long deadline = System.nanoTime() + io.lockstep.fleet.trigger.ActionRunnerTestSupport.DEADLINE_NANOS;
            while (runner.running("quitter") && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            ActionRunner.Outcome o = runner.run(f.find("quitter").orElseThrow(), "x");
            assertFalse(o.ok());
            assertEquals("sh exited with code 3", o.detail());
        }
    }

    @Test
    void aLineProgramInstalledAfterStartIsStartedAtItsFirstFiring() throws Exception {
        // The agent starts without it (it warned); once the program is there, the firing starts it.
        Path program = dir.resolve("led-loop");
        ActionsFile f = ActionsFile.parse("blink line " + program + "\n", "actions", dir);
        try (ActionRunner runner = ActionRunner.start(f, ProcessBuilder.Redirect.DISCARD)) {
            assertFalse(runner.running("blink"));
            ActionRunner.Outcome missing = runner.run(f.find("blink").orElseThrow(), "blink t1 0 0");
            assertFalse(missing.ok());
            assertTrue(missing.detail().startsWith("cannot start " + program + ": "), missing.detail());

            Files.writeString(program, "#!/bin/sh\nwhile read l; do echo \"$l\" >> " + dir.resolve("line.out") + "; done\n");
            assertTrue(program.toFile().setExecutable(true));
            ActionRunner.Outcome late = runner.run(f.find("blink").orElseThrow(), "blink t1 1 1");
            assertTrue(late.ok(), late.toString());
            waitFor(dir.resolve("line.out"), List.of("blink t1 1 1"));
        }
    }
}
