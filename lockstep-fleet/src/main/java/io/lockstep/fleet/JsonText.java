package io.lockstep.fleet;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * Writes the fleet's JSON documents (status, snapshots) from maps in their iteration order,
 * iterables, strings, numbers, booleans and null, with jackson-core's streaming generator (the
 * CLI's {@code --json} output uses this writer too); also holds the one parser factory, whose
 * limits keep a hostile document small. Doubles are written in the shortest form that reads back
 * to the same bits, longs, big decimals and big integers exactly; non-finite numbers become null,
 * as everywhere in Lockstep's JSON. Stateless and thread-safe.
 */
public final class JsonText {

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(64 * 1024)
                    .maxNumberLength(64).build())
            .build();

    private JsonText() {
    }

    /** The value as one line of JSON. */
    public static String write(Object value) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            write(g, value);
        } catch (IOException e) {
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
            // Written as a float, so 0.1f prints as 0.1 and not as its widened double.
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
