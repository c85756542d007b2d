package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the JSON parser that reads a Companion app's {@code /api/status}
 * ({@code NeonClient}): whatever the network sends, {@link Json#parse} returns one of its
 * documented types or throws {@link Json.ParseException}, and what it returns writes back to
 * JSON that parses again to the same value (doubles to the writer's 6 significant digits).
 * Corpus under
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
        String written = Json.write(value);
        Object reread = Json.parse(written);
        assertTrue(sameValue(value, reread), () -> "written JSON reads back: " + written + " as " + Json.write(reread));
    }

    /**
     * Equal, except that the writer keeps 6 significant digits of a double (found by fuzzing:
     * 92233729.17589 is written 9.22337e+07) and writes a non-finite one as null.
     */
    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Double d) {
            if (!Double.isFinite(d)) {
                return b == null;
            }
            return b instanceof Double e && Math.abs(d - e) <= 5e-6 * Math.abs(d);
        }
        if (a instanceof List<?> l) {
            if (!(b instanceof List<?> m) || l.size() != m.size()) {
                return false;
            }
            for (int i = 0; i < l.size(); i++) {
                if (!sameValue(l.get(i), m.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> m) {
            if (!(b instanceof Map<?, ?> n) || !m.keySet().equals(n.keySet())) {
                return false;
            }
            return m.keySet().stream().allMatch(k -> sameValue(m.get(k), n.get(k)));
        }
        return java.util.Objects.equals(a, b);
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
