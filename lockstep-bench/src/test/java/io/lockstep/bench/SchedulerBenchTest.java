package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The scheduler bench runs every method in rounds, with hogs, and prints one row each; it judges no time. */
class SchedulerBenchTest {

    @Test
    void printsOneRowPerMethodAndReturnsTheFigures() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SchedulerBench.Result result = SchedulerBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new SchedulerBench.Options(100, 1_000_000L, 3, 10, 200_000L).withHogs(1));
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String method : new String[] {"| Lockstep scheduler (park, spin last 200 us)", "| control: plain thread",
                "| Lockstep scheduler, park only", "| ScheduledExecutorService", "| Thread.sleep to the instant",
                "| poll the clock every 50 ms"}) {
            assertTrue(text.contains(method), method + " in\n" + text);
        }
        assertTrue(text.contains("| 100 ") && text.contains("| 3 "), text);
        assertTrue(text.contains("Machine load") && text.contains("3 interleaved rounds") && text.contains("1 busy loop "),
                text);
        assertTrue(text.startsWith(result.mode() + System.lineSeparator()), text);
        assertEquals(List.of("lockstep", "control", "lockstep_park_only", "scheduled_executor", "thread_sleep", "poll_50ms"),
                result.methods().stream().map(SchedulerBench.Method::name).toList());
        for (SchedulerBench.Method m : result.methods()) {
            assertEquals(m.name().equals("poll_50ms") ? 3 : 100, m.firings(), m.name());
            assertEquals(3, m.p99NanosByRound().size(), m.name());
            assertTrue(m.minNanos() <= m.p50Nanos() && m.p50Nanos() <= m.p99Nanos() && m.p99Nanos() <= m.maxNanos(), m.name());
        }
        assertEquals(1, result.hogs());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SchedulerBench.Options(99, 2_000_000L, 0, 0, 200_000L));
        SchedulerBench.Options ok = new SchedulerBench.Options(100, 2_000_000L, 0, 0, 200_000L);
        assertThrows(IllegalArgumentException.class, () -> ok.withRounds(2));
        assertThrows(IllegalArgumentException.class, () -> ok.withHogs(-1));
    }
}
