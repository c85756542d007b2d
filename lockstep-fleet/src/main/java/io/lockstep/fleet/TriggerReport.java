package io.lockstep.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An agent's report of one trigger, the answer to {@code GET /api/triggers/ID}, as the monitor
 * reads it: whether the agent has finished the trigger, the bound it predicted, and its firing
 * reports. {@link #parse} is the one reader of that answer (and the entry point its fuzz target
 * calls). Immutable.
 *
 * @param state               whether the agent has finished the trigger
 * @param predictedBoundNanos the bound it predicted at the first instant, or null
 * @param firings             its firing reports, printable
 */
public record TriggerReport(State state, Long predictedBoundNanos, List<FiringReport> firings) {

    /** A trigger's state on the agent, {@code "state"} in its summary and report. */
    public enum State {
        /** Some firing is still to come. */
        SCHEDULED,
        /** Every firing has run, failed, or been cancelled. */
        DONE;

        /** The word on the wire. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TriggerReport {
        firings = List.copyOf(firings);
    }

    /** Whether the agent has finished the trigger. */
    public boolean done() {
        return state == State.DONE;
    }

    /**
     * Reads a report from an agent's answer (at most {@link AgentClient#MAX_REPORT_BYTES}). A
     * state other than {@code done} counts as still scheduled.
     *
     * @throws IOException for anything but a well-formed report, with a one-line printable reason
     */
    public static TriggerReport parse(String json) throws IOException {
        try {
            Map<String, Object> m = JsonText.object(json);
            List<FiringReport> firings = new ArrayList<>();
            Object list = m.getOrDefault("firings", List.of());
            if (!(list instanceof List<?> items)) {
                throw new IOException("firings is not a list");
            }
            for (Object o : items) {
                if (!(o instanceof Map<?, ?> f)) {
                    throw new IOException("a firing is not an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) f;
                firings.add(FiringReport.fromJson(fields));
            }
            return new TriggerReport(State.DONE.word().equals(m.get("state")) ? State.DONE : State.SCHEDULED,
                    m.get("predicted_bound_ns") instanceof Long b ? b : null, firings);
        } catch (RuntimeException e) {
            // A field's error may quote the agent's text.
            throw new IOException(SafeText.printable(String.valueOf(e.getMessage())), e);
        }
    }
}
