package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of("x\"y\n", true));
        m.put("c", null);
        m.put("d", -137.5);
        String text = Json.write(m);
        assertEquals("{\"a\":1,\"b\":[\"x\\\"y\\n\",true],\"c\":null,\"d\":-137.5}", text);
        assertEquals(m, Json.parse(text));
    }

    @Test
    void writesDoublesToSixSignificantDigitsKeepingExponentAndIntegerDigits() {
        assertEquals("[1.23457e+10,1.5e-10,100000.0,-137590.0,0.000123457,2.5e+20]",
                Json.write(List.of(12_345_678_900.5, 1.5e-10, 100000.4, -137590.3, 0.000123456789, 2.5e20)));
    }

    @Test
    void writesNonFiniteAsNull() {
        assertEquals("[null]", Json.write(List.of(Double.NaN)));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : new String[] {"{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":\"\\u12\"}"}) {
            assertThrows(Json.ParseException.class, () -> Json.parse(bad), bad);
        }
    }
}
