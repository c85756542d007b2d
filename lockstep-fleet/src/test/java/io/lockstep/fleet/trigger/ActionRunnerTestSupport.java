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

    /** Waits (at most 5 s) until {@code file} holds exactly {@code lines}. */
    public static void waitFor(Path file, List<String> lines) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (Files.exists(file) && Files.readAllLines(file).equals(lines)) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(lines, Files.exists(file) ? Files.readAllLines(file) : List.of("(no file " + file + ")"));
    }
}
