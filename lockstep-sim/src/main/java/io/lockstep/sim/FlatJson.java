package io.lockstep.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the flat JSON objects the fake Companion app exchanges: one object whose
 * values are strings, whole numbers, booleans or null (a request body like
 * {@code {"name": "x", "timestamp": 1}}). lockstep-sim may not use core's internal parser, and a
 * request with nesting or fractions is answered as malformed anyway, as the app does. Stateless
 * and thread-safe.
 */
final class FlatJson {

    private FlatJson() {
    }

    /** A body that is not a flat JSON object; the message says why, for the 400 answer. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses one flat object: values are String, Long (whole numbers), Boolean or null. */
    static Map<String, Object> parseObject(String text) throws Malformed {
        Reader r = new Reader(text);
        r.ws();
        r.expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        r.ws();
        if (r.peek() == '}') {
            r.pos++;
        } else {
            while (true) {
                r.ws();
                String key = r.string();
                r.ws();
                r.expect(':');
                r.ws();
                m.put(key, r.value());
                r.ws();
                char c = r.next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw new Malformed("expected ',' or '}' at offset " + (r.pos - 1));
                }
            }
        }
        r.ws();
        if (r.pos != text.length()) {
            throw new Malformed("unexpected text after the object at offset " + r.pos);
        }
        return m;
    }

    /** A JSON string literal for {@code s}. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        char peek() throws Malformed {
            if (pos >= s.length()) {
                throw new Malformed("unexpected end of JSON");
            }
            return s.charAt(pos);
        }

        char next() throws Malformed {
            char c = peek();
            pos++;
            return c;
        }

        void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        void expect(char c) throws Malformed {
            if (next() != c) {
                throw new Malformed("expected '" + c + "' at offset " + (pos - 1));
            }
        }

        Object value() throws Malformed {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                int start = pos;
                pos++;
                while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0) {
                    pos++;
                }
                String number = s.substring(start, pos);
                try {
                    return Long.parseLong(number);
                } catch (NumberFormatException e) {
                    throw new Malformed("not a whole number: " + number);
                }
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            throw new Malformed("unexpected '" + c + "' at offset " + pos);
        }

        String string() throws Malformed {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw new Malformed("truncated \\u escape");
                            }
                            try {
                                sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw new Malformed("bad \\u escape");
                            }
                            pos += 4;
                        }
                        default -> throw new Malformed("bad escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw new Malformed("control character in a string");
                } else {
                    sb.append(c);
                }
            }
        }
    }
}
