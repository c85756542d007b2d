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
 * Coverage-guided fuzzing of {@link JsonText}'s reader, which reads every answer an agent gives
 * {@code fleet fire} and the dashboard's watcher (acknowledgements, refusals, trigger lists,
 * firing reports): whatever the network sends, it returns one of its documented types or throws
 * {@link IOException}, and parsing is deterministic. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/trigger/JsonTreeFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonTreeFuzzTest {

    @FuzzTest
    void anyAnswerBody(FuzzedDataProvider data) throws IOException {
        String text = data.consumeRemainingAsString();
        Object value;
        try {
            value = JsonText.parse(text);
        } catch (IOException expected) {
            return;
        }
        assertTrue(documentedType(value, 0), () -> "unexpected type or depth " + value);
        assertEquals(value, JsonText.parse(text), "the same text parses to the same value");
    }

    private static boolean documentedType(Object v, int depth) {
        if (depth > 16) {
            return false;
        }
        if (v == null || v instanceof String || v instanceof Long || v instanceof Boolean) {
            return true;
        }
        if (v instanceof Double d) {
            return !d.isNaN();
        }
        if (v instanceof List<?> l) {
            return l.stream().allMatch(e -> documentedType(e, depth + 1));
        }
        if (v instanceof Map<?, ?> m) {
            return m.keySet().stream().allMatch(k -> k instanceof String)
                    && m.values().stream().allMatch(e -> documentedType(e, depth + 1));
        }
        return false;
    }
}
