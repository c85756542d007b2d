package io.lockstep.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry of an agent's trigger list, {@code GET /api/triggers}, as the monitor reads it: the
 * fields the dashboard's watcher needs to find the newest trigger and judge it. {@link #parseList}
 * is the one reader of that answer (and the entry point its fuzz target calls). Immutable.
 *
 * @param id           the trigger's id
 * @param action       the action's name, printable
 * @param atNanos      its (first) instant, reference time
 * @param expiresNanos its expiry, reference time
 * @param everyNanos   its period (0: once)
 * @param count        its number of firings
 */
public record TriggerSummary(String id, String action, long atNanos, long expiresNanos, long everyNanos, long count) {

    public TriggerSummary {
        id = SafeText.printable(id);
        action = SafeText.printable(action);
    }

    /**
     * Reads the list (at most {@link AgentClient#MAX_LIST_BYTES}).
     *
     * @throws IOException for anything but an object with a list of well-formed summaries under
     *                     {@code triggers}, with a one-line printable reason
     */
    public static List<TriggerSummary> parseList(String json) throws IOException {
        Object list = JsonText.object(json).get("triggers");
        if (!(list instanceof List<?> items)) {
            throw new IOException("no list of triggers");
        }
        List<TriggerSummary> triggers = new ArrayList<>(items.size());
        for (Object o : items) {
            if (!(o instanceof Map<?, ?> m)) {
                throw new IOException("a trigger summary is not an object");
            }
            triggers.add(new TriggerSummary(text(m, "id"), text(m, "action"), integer(m, "at_ns"),
                    integer(m, "expires_ns"), integer(m, "every_ns"), integer(m, "count")));
        }
        return triggers;
    }

    private static String text(Map<?, ?> m, String key) throws IOException {
        if (!(m.get(key) instanceof String s)) {
            throw new IOException("a trigger summary without a string " + key);
        }
        return s;
    }

    private static long integer(Map<?, ?> m, String key) throws IOException {
        if (!(m.get(key) instanceof Long v)) {
            throw new IOException("a trigger summary without an integer " + key);
        }
        return v;
    }
}
