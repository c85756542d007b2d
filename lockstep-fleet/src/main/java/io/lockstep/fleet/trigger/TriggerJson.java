package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.lockstep.fleet.JsonText;

/**
 * A trigger on the wire: the JSON body of {@code POST /api/triggers}, with the field names
 * {@code id, action, at_ns, expires_ns, every_ns, count, max_bound_ns, signature}. Parsing is
 * strict (numbers must be integers, unknown fields are refused) because a field the agent does
 * not understand is one the signature may not cover; the parser and its limits are
 * {@link JsonText#triggerParser}'s. Stateless and thread-safe.
 */
public final class TriggerJson {

    private TriggerJson() {
    }

    /** The trigger as a JSON object (field order fixed), for {@code JsonText.write} or the like. */
    public static Map<String, Object> toMap(Trigger t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("action", t.action());
        m.put("at_ns", t.atNanos());
        m.put("expires_ns", t.expiresNanos());
        m.put("every_ns", t.everyNanos());
        m.put("count", t.count());
        m.put("max_bound_ns", t.maxBoundNanos());
        if (t.signature() != null) {
            m.put("signature", t.signature());
        }
        return m;
    }

    /**
     * Parses a trigger.
     *
     * @throws TriggerRefusedException {@link Refusal#MALFORMED} naming what is wrong
     */
    public static Trigger parse(byte[] json) throws TriggerRefusedException {
        String id = null;
        String action = null;
        String signature = null;
        Long at = null;
        Long expires = null;
        long every = 0;
        long count = 1;
        long maxBound = 0;
        try (JsonParser p = JsonText.triggerParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("a trigger is a JSON object");
            }
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = text(p, value, field);
                    case "action" -> action = text(p, value, field);
                    case "signature" -> signature = value == JsonToken.VALUE_NULL ? null : text(p, value, field);
                    case "at_ns" -> at = integer(p, value, field);
                    case "expires_ns" -> expires = integer(p, value, field);
                    case "every_ns" -> every = integer(p, value, field);
                    case "count" -> count = integer(p, value, field);
                    case "max_bound_ns" -> maxBound = integer(p, value, field);
                    default -> throw malformed("unknown field '" + field + "'");
                }
            }
            if (tok != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw malformed("a trigger is one flat JSON object");
            }
        } catch (IOException e) {
            throw malformed("not JSON: " + firstLine(e.getMessage()));
        }
        if (id == null || action == null || at == null || expires == null) {
            throw malformed("a trigger needs id, action, at_ns and expires_ns");
        }
        if (count < 1 || count > Trigger.MAX_COUNT) {
            throw malformed("count must be between 1 and " + Trigger.MAX_COUNT);
        }
        try {
            return new Trigger(id, action, at, expires, every, (int) count, maxBound, signature);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    private static String text(JsonParser p, JsonToken value, String field) throws IOException, TriggerRefusedException {
        if (value != JsonToken.VALUE_STRING) {
            throw malformed("'" + field + "' must be a string");
        }
        return p.getText();
    }

    private static long integer(JsonParser p, JsonToken value, String field) throws IOException, TriggerRefusedException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw malformed("'" + field + "' must be an integer");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw malformed("'" + field + "' is out of range");
        }
        return p.getLongValue();
    }

    private static TriggerRefusedException malformed(String why) {
        // The reason may quote the sender's text (a field name); it goes back to the sender's terminal and
        // into the agent's journal, so it stays one line without control characters.
        String oneLine = why.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return new TriggerRefusedException(Refusal.MALFORMED, oneLine);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
