package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.TriggerReport;
import io.lockstep.fleet.TriggerSummary;

/**
 * Coverage-guided fuzzing of how {@code fleet fire} and the dashboard's watcher read an agent's
 * trigger answers, through the very functions {@link AgentClient} calls:
 * {@link TriggerReport#parse} ({@code GET /api/triggers/ID}) and {@link TriggerSummary#parseList}
 * ({@code GET /api/triggers}). Any body gives a value or an {@link IOException} with a printable
 * one-line reason, never another exception; every string that comes out is printable; a report
 * written back reads the same. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/trigger/FiringReportFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FiringReportFuzzTest {

    @FuzzTest
    void anyReportBody(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        TriggerReport report;
        try {
            report = TriggerReport.parse(body);
        } catch (IOException refused) {
            assertPrintable(String.valueOf(refused.getMessage()));
            return;
        }
        for (FiringReport f : report.firings()) {
            assertTrue(f.index() >= 0, "index " + f.index());
            assertPrintable(f.detail());
        }
        Map<String, Object> back = new LinkedHashMap<>();
        back.put("state", report.state().word());
        back.put("predicted_bound_ns", report.predictedBoundNanos());
        back.put("firings", report.firings().stream().map(FiringReport::toJson).toList());
        try {
            assertEquals(report, TriggerReport.parse(JsonText.write(back)));
        } catch (IOException e) {
            throw new AssertionError("a report written back does not read: " + report, e);
        }
    }

    @FuzzTest
    void anyTriggerList(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        List<TriggerSummary> list;
        try {
            list = TriggerSummary.parseList(body);
        } catch (IOException refused) {
            assertPrintable(String.valueOf(refused.getMessage()));
            return;
        }
        for (TriggerSummary t : list) {
            assertPrintable(t.id());
            assertPrintable(t.action());
        }
    }

    private static void assertPrintable(String s) {
        assertTrue(s.codePoints().noneMatch(Character::isISOControl), s);
    }
}
