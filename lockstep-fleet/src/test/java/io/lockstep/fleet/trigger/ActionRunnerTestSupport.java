package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Waits for the files that action programs write asynchronously; shared by the action and trigger
 * tests. Stateless.
 */
public final class ActionRunnerTestSupport {

    private ActionRunnerTestSupport() {
    }

    /** How long a condition may take on a busy 2-core machine before a test gives up. */
    public static final long DEADLINE_NANOS = 60_000_000_000L;

    /** Waits (at most {@link #DEADLINE_NANOS}) until {@code file} holds exactly {@code lines}. */
    public static void waitFor(Path file, List<String> lines) throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(file) && Files.readAllLines(file).equals(lines)) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(lines, Files.exists(file) ? Files.readAllLines(file) : List.of("(no file " + file + ")"));
    }
}
