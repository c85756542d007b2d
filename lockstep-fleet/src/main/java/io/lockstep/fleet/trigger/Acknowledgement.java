package io.lockstep.fleet.trigger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An agent's answer to a trigger it accepted: which one, and how sure it expects to be at the
 * instant (the error bound its current model predicts there; new exchanges until then usually
 * shrink it). Immutable.
 *
 * @param agent               the agent's name
 * @param id                  the trigger's id
 * @param action              the action's name
 * @param kind                the action's kind in the agent's file ({@code exec}, {@code line}, ...)
 * @param atNanos             the (first) instant, reference time
 * @param count               firings scheduled
 * @param predictedBoundNanos the error bound predicted at the first instant
 * @param predictedLocalNanos the agent's local time the first instant converts to now
 */
public record Acknowledgement(String agent, String id, String action, String kind, long atNanos, int count,
                              long predictedBoundNanos, long predictedLocalNanos) {

    /** The acknowledgement as JSON fields. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", true);
        m.put("agent", agent);
        m.put("id", id);
        m.put("action", action);
        m.put("kind", kind);
        m.put("at_ns", atNanos);
        m.put("count", count);
        m.put("predicted_bound_ns", predictedBoundNanos);
        m.put("predicted_local_ns", predictedLocalNanos);
        return m;
    }
}
