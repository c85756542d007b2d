package io.lockstep.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * Writes the nested JSON the stand-in Companion app answers (maps, lists, strings, whole
 * numbers, booleans, null: the app sends nothing else), and reads the one nested body it
 * accepts, template answers {@code {"item id": ["answer", ...]}}. Stateless and thread-safe.
 */
final class CompanionJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(64 * 1024).build())
            .build();

    private CompanionJson() {
    }

    /** An ordered object from alternating keys and values, so answers keep the app's field order. */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** The JSON text of {@code value}. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            out.append(FlatJson.quote(s));
        } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(FlatJson.quote((String) e.getKey())).append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> l) {
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(l.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value the app sends: " + value.getClass());
        }
    }

    /**
     * Reads template answers: one object whose values are lists of strings.
     *
     * @throws FlatJson.Malformed with the reason, for the 400 answer
     */
    static Map<String, List<String>> readAnswers(String text) throws FlatJson.Malformed {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new FlatJson.Malformed("template data must be an object of answer lists");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String id = p.currentName();
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new FlatJson.Malformed("the answers to '" + id + "' must be a list of strings");
                }
                List<String> values = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new FlatJson.Malformed("the answers to '" + id + "' must be a list of strings");
                    }
                    values.add(p.getText());
                }
                answers.put(id, List.copyOf(values));
            }
            if (p.nextToken() != null) {
                throw new FlatJson.Malformed("text after the object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FlatJson.Malformed(e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new FlatJson.Malformed(String.valueOf(e.getMessage()));
        }
        return answers;
    }
}
