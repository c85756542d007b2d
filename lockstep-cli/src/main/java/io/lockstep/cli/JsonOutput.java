package io.lockstep.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * Writes the JSON that {@code --json} prints, one compact line per value, from maps (in their
 * iteration order), iterables, strings, numbers, booleans and null; anything else is written as
 * its {@code toString()}. Doubles are written in the shortest form that reads back to the same
 * bits, so nothing is rounded (an offset of −1234.5678 ms prints as {@code -1234.5678}); longs
 * are exact. JSON has no NaN or Infinity: such numbers are written as {@code null}, which is how
 * the commands document an unknown figure. Uses jackson-core's streaming generator (string
 * escaping and number formatting are its job, not ours). Stateless and thread-safe: the factory
 * is shared, each call uses its own generator.
 */
final class JsonOutput {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // Shortest round-tripping digits (Java 17's Double.toString sometimes prints more).
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private JsonOutput() {
    }

    /** The value as one line of JSON. */
    static String write(Object value) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            write(g, value);
        } catch (IOException e) {
            // A StringWriter does not fail; this would be a bug in the generator.
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Double d) {
            writeDouble(g, d);
        } else if (v instanceof Float f) {
            if (Float.isFinite(f)) {
                g.writeNumber(f);
            } else {
                g.writeNull();
            }
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (v instanceof Number n) {
            writeDouble(g, n.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeNull();
        }
    }
}
