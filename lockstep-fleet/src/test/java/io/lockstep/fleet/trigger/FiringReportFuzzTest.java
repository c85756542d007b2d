package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.fleet.JsonText;

/**
 * Coverage-guided fuzzing of how {@code fleet fire} and the dashboard's watcher read an agent's
 * trigger answers: {@code GET /api/triggers/ID} (a report with its firings, each through
 * {@link FiringReport#fromJson}) and {@code GET /api/triggers} (a list of summaries), both read
 * with {@link JsonTree}. Any body gives a value, an {@link IOException} (not JSON, or the wrong
 * shape) or, for one firing, an {@link IllegalArgumentException} naming the bad field; never
 * another exception. A firing read and written back reads the same. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/trigger/FiringReportFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FiringReportFuzzTest {

    @FuzzTest
    void anyReportBody(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        Map<String, Object> report;
        try {
            report = JsonText.object(body);
        } catch (IOException notAnObject) {
            return;
        }
        if (!(report.getOrDefault("firings", List.of()) instanceof List<?> firings)) {
            return; // the monitor refuses the report: firings is not a list
        }
        for (Object o : firings) {
            if (!(o instanceof Map<?, ?> f)) {
                continue; // refused: a firing is not an object
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) f;
            FiringReport r;
            try {
                r = FiringReport.fromJson(fields);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
                continue;
            }
            assertTrue(r.index() >= 0, "index " + r.index());
            try {
                assertEquals(r, FiringReport.fromJson(JsonText.object(JsonText.write(r.toJson()))));
            } catch (IOException e) {
                throw new AssertionError("a report written back is not JSON: " + r, e);
            }
        }
    }

    @FuzzTest
    void anyTriggerList(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        try {
            Object triggers = JsonText.object(body).get("triggers");
            if (triggers instanceof List<?> list) {
                for (Object t : list) {
                    if (t instanceof Map<?, ?> m) {
                        assertTrue(m.keySet().stream().allMatch(k -> k instanceof String));
                    }
                }
            }
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null);
        }
    }
}
