package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of("x\"y\n", true));
        m.put("c", null);
        m.put("d", -137.5);
        assertEquals(m, Json.parse("{\"a\":1,\"b\":[\"x\\\"y\\n\",true],\"c\":null,\"d\":-137.5}"));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : new String[] {"{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":\"\\u12\"}"}) {
            assertThrows(Json.ParseException.class, () -> Json.parse(bad), bad);
        }
    }
}
