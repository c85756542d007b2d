package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code lockstep bench scheduler}: a short run prints the mode and the table, and with --json the
 * figures as its last line (shape only: timings are the machine's); out-of-range options are bad input.
 */
class BenchSchedulerCommandTest {

    @Test
    void aShortRunPrintsTheModeAndTheTable() {
        MainTest.Result r = MainTest.run("bench", "scheduler", "--firings", "100", "--spacing", "1ms",
                "--poll-firings", "2", "--warmup", "0", "--spin", "300us");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("scheduler: "), r.out());
        assertTrue(r.out().matches("(?s).*\\| Lockstep scheduler \\(park, spin last 300 us\\) +\\| 100 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\| control: plain thread, park then spin 300 us, untuned +\\| 100 .*"), r.out());
        assertTrue(r.out().contains("| poll the clock every 50 ms (the bash loop)"), r.out());
    }

    @Test
    void jsonIsTheLastLineWithTheModeTheLoadAndEveryMethod() {
        MainTest.Result r = MainTest.run("bench", "scheduler", "--firings", "120", "--spacing", "1ms",
                "--poll-firings", "3", "--warmup", "0", "--rounds", "3", "--hogs", "1", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\\R");
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) TestJson.parse(lines[lines.length - 1]);
        assertEquals(List.of("mode", "load", "methods"), List.copyOf(doc.keySet()));
        String mode = (String) doc.get("mode");
        assertTrue(mode.startsWith("scheduler: ") && mode.equals(lines[0]), mode);
        assertTrue(doc.get("load") == null || doc.get("load") instanceof Number, String.valueOf(doc.get("load")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> methods = (List<Map<String, Object>>) doc.get("methods");
        assertEquals(List.of("lockstep", "control", "lockstep_park_only", "scheduled_executor", "thread_sleep", "poll_50ms"),
                methods.stream().map(m -> m.get("name")).toList());
        for (Map<String, Object> m : methods) {
            assertInstanceOf(Long.class, m.get("p50_ns"), m.toString());
            assertInstanceOf(Long.class, m.get("p99_ns"), m.toString());
            assertEquals(m.get("name").equals("poll_50ms") ? 3L : 120L, m.get("firings"), m.toString());
            assertEquals(3, ((List<?>) m.get("p99_ns_by_round")).size(), m.toString());
        }
    }

    @Test
    void tooFewFiringsAreBadInput() {
        MainTest.Result r = MainTest.run("bench", "scheduler", "--firings", "5");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "--firings must be between 100 and 1000000");
    }

    @Test
    void fewerThanThreeRoundsAreBadInput() {
        MainTest.Result r = MainTest.run("bench", "scheduler", "--rounds", "2");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "--rounds must be between 3 and 1000, and at most --firings");
    }
}
