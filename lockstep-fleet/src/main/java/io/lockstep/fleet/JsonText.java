package io.lockstep.fleet;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * The fleet's one JSON set-up, with jackson-core's streaming parser and generator: the writer of
 * every document (status, snapshots, answers; the CLI's {@code --json} output uses it too), the
 * reader of every answer the monitor gets from an agent ({@link #parse}, {@link #object}), and
 * the stricter parser the agent reads triggers with ({@link #triggerParser}); each reader's
 * limits are stated here, so a hostile document stays small whoever reads it. Maps are written in
 * their iteration order; doubles in the shortest form that reads back to the same bits, longs,
 * big decimals and big integers exactly; non-finite numbers become null, as everywhere in
 * Lockstep's JSON. Stateless and thread-safe.
 */
public final class JsonText {

    /**
     * Limits of an agent's answer read by the monitor (status, acknowledgement, refusal, trigger
     * list, report): nesting 16 deep (a report is 3), strings of 64 KiB, numbers of 64 digits.
     * The answer's byte size is bounded before parsing, by {@link AgentClient}.
     */
    public static final StreamReadConstraints ANSWER_LIMITS = StreamReadConstraints.builder().maxNestingDepth(16)
            .maxStringLength(64 * 1024).maxNumberLength(64).build();

    /**
     * Limits of a trigger read by the agent from anyone on the network: one flat object (nesting
     * 4 leaves room for the error to name the field), strings of 1 KiB, numbers of 32 digits.
     */
    public static final StreamReadConstraints TRIGGER_LIMITS = StreamReadConstraints.builder().maxNestingDepth(4)
            .maxStringLength(1024).maxNumberLength(32).build();

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .streamReadConstraints(ANSWER_LIMITS)
            .build();

    private static final JsonFactory TRIGGER_FACTORY = JsonFactory.builder()
            .streamReadConstraints(TRIGGER_LIMITS)
            .build();

    private JsonText() {
    }

    /**
     * Parses one JSON value of an agent's answer into maps (in document order), lists, strings,
     * {@link Long}s, {@link Double}s, booleans and null, within {@link #ANSWER_LIMITS}.
     *
     * @throws IOException with a printable one-line reason when the text is not exactly one JSON value
     */
    public static Object parse(String json) throws IOException {
        if (json == null) {
            throw new IOException("empty document");
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("empty document");
            }
            Object v = value(p, first);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
            return v;
        } catch (IOException e) {
            // The parser's message quotes the document: one printable line of it reaches rows and logs.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int nl = why.indexOf('\n');
            throw new IOException(SafeText.printable(nl < 0 ? why : why.substring(0, nl)), e);
        }
    }

    /**
     * Parses a JSON object of an agent's answer, as {@link #parse}.
     *
     * @throws IOException with a one-line reason when the text is not one JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String json) throws IOException {
        Object v = parse(json);
        if (!(v instanceof Map)) {
            throw new IOException("not a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /** A streaming parser over a trigger's bytes, within {@link #TRIGGER_LIMITS}; the caller closes it. */
    public static JsonParser triggerParser(byte[] json) throws IOException {
        return TRIGGER_FACTORY.createParser(json);
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IOException("unexpected end of the document");
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new IOException("unterminated object");
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e == null) {
                        throw new IOException("unterminated array");
                    }
                    list.add(value(p, e));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t);
        }
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
