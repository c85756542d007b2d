package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the JSON parser that reads a Companion app's {@code /api/status}
 * ({@code NeonClient}): whatever the network sends, {@link Json#parse} returns one of its
 * documented types or throws {@link Json.ParseException}, and parsing is deterministic. (Core
 * no longer writes JSON: the CLI writes it with jackson-core, tested exactly in
 * {@code JsonOutputTest}.) Corpus under
 * {@code src/test/resources/io/lockstep/internal/JsonFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonFuzzTest {

    @FuzzTest
    void parseAnyText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Object value;
        try {
            value = Json.parse(text);
        } catch (Json.ParseException expected) {
            return;
        }
        assertTrue(documentedType(value), () -> "unexpected type " + value.getClass());
        Object again = Json.parse(text);
        assertTrue(java.util.Objects.equals(value, again) || value instanceof Double d && d.isNaN(),
                () -> "the same text parses to the same value");
    }

    private static boolean documentedType(Object v) {
        if (v == null || v instanceof String || v instanceof Double || v instanceof Long || v instanceof Boolean) {
            return true;
        }
        if (v instanceof List<?> l) {
            return l.stream().allMatch(JsonFuzzTest::documentedType);
        }
        if (v instanceof Map<?, ?> m) {
            return m.keySet().stream().allMatch(k -> k instanceof String)
                    && m.values().stream().allMatch(JsonFuzzTest::documentedType);
        }
        return false;
    }
}
