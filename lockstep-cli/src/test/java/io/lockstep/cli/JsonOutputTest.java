package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The JSON the commands print: every double comes back bit for bit (stats.offset_ms keeps its
 * microseconds past one second), longs are exact, strings survive any character, and numbers
 * JSON cannot hold (NaN, ±Infinity) are written as null, as the commands document.
 */
class JsonOutputTest {

    private static Object roundTrip(Object value) throws Exception {
        return TestJson.parse(JsonOutput.write(value));
    }

    private static void assertExact(double d) throws Exception {
        String text = JsonOutput.write(List.of(d));
        Object back = ((List<?>) TestJson.parse(text)).get(0);
        assertTrue(back instanceof Double, text);
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) back),
                () -> d + " came back as " + back + " from " + text);
        // Independent of Jackson's reader too.
        assertEquals(d, Double.parseDouble(text.substring(1, text.length() - 1)), text);
    }

    @Test
    void theReviewersExampleRoundTripsExactly() throws Exception {
        assertEquals("{\"offset_ms\":-1234.5678}", JsonOutput.write(Map.of("offset_ms", -1234.5678)));
        assertExact(-1234.5678);
        assertExact(1234.567891);       // an offset past one second, to the nanosecond in ms
        assertExact(-137.520_312_5);
    }

    @Test
    void doublesOfEveryMagnitudeRoundTripExactly() throws Exception {
        double[] mantissas = {1, 1.5, 1.234567891234567, 9.999999999999998, 3.141592653589793, 7.000000000000001};
        for (int exp = -9; exp <= 15; exp++) {
            for (double m : mantissas) {
                double d = m * Math.pow(10, exp);
                assertExact(d);
                assertExact(-d);
                assertExact(Math.nextUp(d));
                assertExact(Math.nextDown(-d));
            }
        }
        assertExact(0.0);
        assertExact(-0.0);
        assertExact(Double.MIN_VALUE);
        assertExact(Double.MAX_VALUE);
        assertExact(1e15 + 0.5);
        assertExact(123456789012345.67);
    }

    @Test
    void randomFiniteDoublesRoundTripExactly() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        List<Double> values = new ArrayList<>();
        while (values.size() < 20_000) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(d)) {
                values.add(d);
            }
            // And values of the sizes the commands print: ms and ns-scale figures.
            values.add((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-9, 16)));
        }
        List<?> back = (List<?>) roundTrip(values);
        for (int i = 0; i < values.size(); i++) {
            assertEquals(values.get(i), back.get(i), "index " + i);
        }
    }

    @Test
    void nonFiniteNumbersAreNull() throws Exception {
        assertEquals("[null,null,null,null]",
                JsonOutput.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN)));
    }

    @Test
    void longsAndIntsAreExact() throws Exception {
        List<Object> values = List.of(Long.MAX_VALUE, Long.MIN_VALUE, 0, -42);
        assertEquals("[9223372036854775807,-9223372036854775808,0,-42]", JsonOutput.write(values));
        assertEquals(List.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -42L), roundTrip(values));
    }

    @Test
    void objectsKeepOrderAndStringsSurviveAnyCharacter() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        String nasty = "quote \" backslash \\ tab \t newline \n nul \u0000 bell \u0007 del \u007f é µs 😀 \u2028";
        m.put("z", nasty);
        m.put("a", List.of(true, false));
        m.put("nothing", null);
        m.put("nested", Map.of("k", 1.5));
        String text = JsonOutput.write(m);
        assertTrue(text.startsWith("{\"z\":"), text);
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertEquals(m, roundTrip(m));
    }
}
