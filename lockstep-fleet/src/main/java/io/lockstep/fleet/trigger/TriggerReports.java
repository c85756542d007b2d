package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads what an agent answers about its triggers, for {@code fleet fire} and the dashboard's
 * watcher: the list of {@code GET /api/triggers} and one trigger's report with its firings
 * ({@code GET /api/triggers/ID}). The answer comes from the network, so any shape the
 * documents do not allow is an {@link IOException} with a one-line reason, never another
 * exception. Stateless and thread-safe.
 */
final class TriggerReports {

    private TriggerReports() {
    }

    /**
     * One trigger's report as far as the monitor needs it.
     *
     * @param done                the agent says every firing happened (or was given up)
     * @param predictedBoundNanos the bound the agent predicted at acceptance, or null
     * @param firings             the firings reported so far
     */
    record Report(boolean done, Long predictedBoundNanos, List<FiringReport> firings) {
    }

    /** Reads the answer of {@code GET /api/triggers}: its trigger summaries, each a JSON object. */
    static List<Map<String, Object>> list(String body) throws IOException {
        Object triggers = JsonTree.object(body).get("triggers");
        if (!(triggers instanceof List<?> items)) {
            throw new IOException("no trigger list");
        }
        List<Map<String, Object>> list = new ArrayList<>(items.size());
        for (Object o : items) {
            list.add(object(o, "a trigger summary"));
        }
        return list;
    }

    /** The trigger a summary of {@link #list} describes (unsigned; its bound limit unknown, so 0). */
    static Trigger trigger(Map<String, Object> summary) throws IOException {
        if (!(summary.get("id") instanceof String id) || !(summary.get("action") instanceof String action)
                || !(summary.get("at_ns") instanceof Long at) || !(summary.get("expires_ns") instanceof Long expires)
                || !(summary.get("every_ns") instanceof Long every) || !(summary.get("count") instanceof Long count)) {
            throw new IOException("a trigger summary without id, action, at_ns, expires_ns, every_ns and count");
        }
        if (count < 1 || count > Trigger.MAX_COUNT) {
            throw new IOException("a trigger summary with a count of " + count);
        }
        try {
            return new Trigger(id, action, at, expires, every, count.intValue(), 0, null);
        } catch (IllegalArgumentException e) {
            throw new IOException("an impossible trigger summary: " + e.getMessage());
        }
    }

    /** Reads the answer of {@code GET /api/triggers/ID}. */
    static Report report(String body) throws IOException {
        Map<String, Object> m = JsonTree.object(body);
        Object list = m.getOrDefault("firings", List.of());
        if (!(list instanceof List<?> items)) {
            throw new IOException("firings is not a list");
        }
        List<FiringReport> firings = new ArrayList<>(items.size());
        for (Object o : items) {
            try {
                firings.add(FiringReport.fromJson(object(o, "a firing report")));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage());
            }
        }
        return new Report("done".equals(m.get("state")),
                m.get("predicted_bound_ns") instanceof Long b ? b : null, firings);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) throws IOException {
        if (!(o instanceof Map<?, ?>)) {
            throw new IOException(what + " is not a JSON object");
        }
        // JsonTree makes every object a Map<String, Object>.
        return (Map<String, Object>) o;
    }
}
