package io.lockstep.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recording template selected on the stand-in Companion app ({@code GET /api/template_def})
 * and the answers entered for it ({@code GET} and {@code POST /api/template_data}). The template
 * is fixed: three optional questions (a free text, a single choice and a whole number), none
 * required, so a recording can always start, as with a workspace's default template. Answers are
 * lists of strings keyed by question id; a choice question with nothing chosen holds an empty
 * list, a text question an empty string (what Pupil Labs' client expects back). Thread-safe.
 */
final class CompanionTemplate {

    /** A template question: the fields of the Companion API's TemplateItem. */
    record Item(String id, String title, String widgetType, String inputType, List<String> choices,
            String helpText, boolean required) {

        boolean isChoice() {
            return "RADIO_LIST".equals(widgetType) || "CHECKBOX_LIST".equals(widgetType);
        }

        Map<String, Object> json() {
            return CompanionJson.object("id", id, "title", title, "widget_type", widgetType, "input_type", inputType,
                    "choices", choices, "help_text", helpText, "required", required);
        }
    }

    /** A refused answer: HTTP code and message. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Refused(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    static final String ID = "9a0c3d4e-5f60-4a71-8b92-a3b4c5d6e7f8";
    private static final String CREATED = "2026-01-05T09:00:00.000000Z";

    private final List<Item> items = List.of(
            new Item("1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10", "Participant", "TEXT", "any", List.of(), "e.g. P01",
                    false),
            new Item("2a3b4c5d-6e7f-4081-9293-a4b5c6d7e8f9", "Condition", "RADIO_LIST", "any", List.of("A", "B"), "",
                    false),
            new Item("3b4c5d6e-7f80-4192-a3b4-c5d6e7f8a9b0", "Session", "TEXT", "integer", List.of(), "", false));
    private final Map<String, List<String>> answers = new LinkedHashMap<>();

    CompanionTemplate() {
        for (Item item : items) {
            answers.put(item.id(), item.isChoice() ? List.of() : List.of(""));
        }
    }

    /** The {@code result} of {@code GET /api/template_def}: the one active template. */
    Map<String, Object> definition() {
        List<Object> itemJson = new ArrayList<>();
        for (Item item : items) {
            itemJson.add(item.json());
        }
        return CompanionJson.object("id", ID, "name", "Default", "description", "The stand-in app's template",
                "created_at", CREATED, "updated_at", CREATED, "published_at", CREATED, "archived_at", null,
                "is_default_template", true, "recording_name_format", List.of("{template.name}", "{recording.date}"),
                "label_ids", List.of(), "recording_ids", List.of(), "items", itemJson);
    }

    /** The {@code result} of {@code GET /api/template_data}. */
    synchronized Map<String, Object> data() {
        return new LinkedHashMap<>(answers);
    }

    /**
     * Stores answers; nothing is stored when one is refused.
     *
     * @throws Refused 404 for an unknown question id, 400 for an answer the question cannot take
     */
    synchronized Map<String, Object> update(Map<String, List<String>> given) throws Refused {
        Map<String, List<String>> checked = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : given.entrySet()) {
            Item item = items.stream().filter(i -> i.id().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new Refused(404, "Field ID not found: " + e.getKey()));
            List<String> values = e.getValue();
            if (item.isChoice()) {
                // An empty string is how clients say "nothing chosen" (the app refuses an empty list).
                values = values.stream().filter(v -> !v.isEmpty()).toList();
                for (String v : values) {
                    if (!item.choices().contains(v)) {
                        throw new Refused(400, "Invalid answer for '" + item.title() + "': '" + v + "' is not a choice");
                    }
                }
                if ("RADIO_LIST".equals(item.widgetType()) && values.size() > 1) {
                    throw new Refused(400, "Invalid answer for '" + item.title() + "': one choice only");
                }
            } else {
                if (values.size() != 1) {
                    throw new Refused(400, "Invalid answer for '" + item.title() + "': one value expected");
                }
                if ("integer".equals(item.inputType()) && !values.get(0).isEmpty()
                        && !values.get(0).matches("-?\\d{1,18}")) {
                    throw new Refused(400, "Invalid answer for '" + item.title() + "': a whole number expected");
                }
            }
            checked.put(item.id(), values);
        }
        answers.putAll(checked);
        return data();
    }
}
