package io.lockstep.sim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The field facts of the Companion API ({@code companion-api-facts.txt}) and a checker of JSON
 * answers against them: every field named, of its type and enum, required ones present, none
 * unnamed. Immutable after loading; thread-safe.
 */
final class CompanionApiFacts {

    /** One field of a schema. */
    record Field(String name, String type, boolean required, Set<String> allowed) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String DATE_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)";

    private final Map<String, Map<String, Field>> schemas = new LinkedHashMap<>();

    private CompanionApiFacts() {
    }

    static CompanionApiFacts load() throws IOException {
        CompanionApiFacts facts = new CompanionApiFacts();
        try (InputStream in = CompanionApiFacts.class.getResourceAsStream("companion-api-facts.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.lines().toList()) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] w = line.split("\\s+");
                boolean required = false;
                Set<String> allowed = Set.of();
                for (int i = 3; i < w.length; i++) {
                    if (w[i].equals("required")) {
                        required = true;
                    } else if (w[i].startsWith("enum=")) {
                        allowed = Set.of(w[i].substring(5).split("\\|"));
                    } else {
                        throw new IllegalStateException("bad fact: " + line);
                    }
                }
                facts.schemas.computeIfAbsent(w[0], k -> new LinkedHashMap<>())
                        .put(w[1], new Field(w[1], w[2], required, allowed));
            }
        }
        return facts;
    }

    /** The fields of {@code schema}. */
    Map<String, Field> fields(String schema) {
        Map<String, Field> f = schemas.get(schema);
        if (f == null) {
            throw new IllegalArgumentException("no facts for " + schema);
        }
        return f;
    }

    /** What is wrong with {@code node} as a {@code schema}; empty when nothing is. */
    List<String> check(String schema, JsonNode node) {
        List<String> problems = new ArrayList<>();
        check(schema, node, schema, problems);
        return problems;
    }

    /** Checks a {@code {"model", "data"}} component and its data against the model's schema. */
    List<String> checkComponent(JsonNode component) {
        List<String> problems = check("Component", component);
        if (problems.isEmpty()) {
            check(component.get("model").asText(), component.get("data"), component.get("model").asText() + ".data",
                    problems);
        }
        return problems;
    }

    private void check(String schema, JsonNode node, String where, List<String> problems) {
        Map<String, Field> fields = fields(schema);
        if (!node.isObject()) {
            problems.add(where + " is not an object: " + node);
            return;
        }
        Field each = fields.get("*");
        if (each != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                checkValue(each, e.getValue(), where + "." + e.getKey(), problems);
            }
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            Field f = fields.get(name);
            if (f == null) {
                problems.add(where + " has a field the API does not have: " + name);
            } else if (f.type().equals("absent")) {
                problems.add(where + " sends " + name + ", which the app does not");
            }
        }
        for (Field f : fields.values()) {
            if (f.type().equals("absent")) {
                continue;
            }
            JsonNode value = node.get(f.name());
            if (value == null) {
                if (f.required()) {
                    problems.add(where + " lacks " + f.name());
                }
                continue;
            }
            checkValue(f, value, where + "." + f.name(), problems);
        }
    }

    private void checkValue(Field f, JsonNode value, String where, List<String> problems) {
        if (!matches(f.type(), value, where, problems)) {
            problems.add(where + " is not " + f.type() + ": " + value);
        } else if (!f.allowed().isEmpty() && !f.allowed().contains(value.asText())) {
            problems.add(where + " is not one of " + f.allowed() + ": " + value);
        }
    }

    private boolean matches(String type, JsonNode value, String where, List<String> problems) {
        for (String alternative : type.split("\\|")) {
            if (matchesOne(alternative, value, where, problems)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesOne(String type, JsonNode value, String where, List<String> problems) {
        if (type.startsWith("array<") && type.endsWith(">")) {
            if (!value.isArray()) {
                return false;
            }
            String element = type.substring(6, type.length() - 1);
            for (int i = 0; i < value.size(); i++) {
                if (schemas.containsKey(element)) {
                    check(element, value.get(i), where + "[" + i + "]", problems);
                } else if (!matches(element, value.get(i), where, problems)) {
                    problems.add(where + "[" + i + "] is not " + element + ": " + value.get(i));
                }
            }
            return true;
        }
        return switch (type) {
            case "any" -> true;
            case "null" -> value.isNull();
            case "string" -> value.isTextual();
            case "uuid" -> value.isTextual() && value.asText().matches(UUID);
            case "date-time" -> value.isTextual() && value.asText().matches(DATE_TIME);
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "object" -> value.isObject();
            default -> throw new IllegalStateException("unknown type in the facts: " + type);
        };
    }
}
