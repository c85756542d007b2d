package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The scheduler bench runs every method and prints one row each; it judges no time. */
class SchedulerBenchTest {

    @Test
    void printsOneRowPerMethod() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, SchedulerBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new SchedulerBench.Options(100, 1_000_000L, 3, 10, 200_000L)));
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String method : new String[] {"| Lockstep scheduler (park, spin last 200 us)", "| Lockstep scheduler, park only",
                "| ScheduledExecutorService", "| Thread.sleep to the instant", "| poll the clock every 50 ms"}) {
            assertTrue(text.contains(method), method + " in\n" + text);
        }
        assertTrue(text.contains("| 100 ") && text.contains("| 3 "), text);
        assertTrue(text.contains("Machine load"), text);
    }

    @Test
    void tooFewFiringsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SchedulerBench.Options(99, 2_000_000L, 0, 0, 200_000L));
    }
}
