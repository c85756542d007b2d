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
 * trigger answers ({@link TriggerReports}, {@link FiringReport#fromJson}): any body gives a
 * report, a trigger list or an {@link IOException}, never another exception; each firing
 * report read is a {@link FiringReport} or an {@link IllegalArgumentException}; a report read
 * and written back reads the same. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/trigger/FiringReportFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FiringReportFuzzTest {

    @FuzzTest
    void anyReportBody(FuzzedDataProvider data) throws IOException {
        String body = data.consumeRemainingAsString();
        // Each firing alone, as FiringReport.fromJson's own contract.
        Object parsed;
        try {
            parsed = JsonTree.parse(body);
        } catch (IOException notJson) {
            parsed = null;
        }
        if (parsed instanceof Map<?, ?> m && m.get("firings") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> f) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = (Map<String, Object>) f;
                    try {
                        FiringReport r = FiringReport.fromJson(fields);
                        assertEquals(r, FiringReport.fromJson(JsonTree.object(JsonText.write(r.toJson()))));
                    } catch (IllegalArgumentException expected) {
                        assertTrue(expected.getMessage() != null);
                    }
                }
            }
        }
        TriggerReports.Report report;
        try {
            report = TriggerReports.report(body);
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            return;
        }
        assertTrue(report.firings() != null);
    }

    @FuzzTest
    void anyTriggerList(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        List<Map<String, Object>> list;
        try {
            list = TriggerReports.list(body);
        } catch (IOException expected) {
            return;
        }
        for (Map<String, Object> summary : list) {
            try {
                Trigger t = TriggerReports.trigger(summary);
                assertTrue(t.count() >= 1 && t.count() <= Trigger.MAX_COUNT);
            } catch (IOException expected) {
                assertTrue(expected.getMessage() != null);
            }
        }
    }
}
