package io.lockstep.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.lockstep.schedule.Firing;

/**
 * What an agent reports about one firing of a trigger: the scheduler's {@link Firing} (when the
 * action ran in local and reference time, the bound, the lateness, the outcome) plus what only
 * the agent knows: the firing's index within the trigger, this machine's own system clock when
 * the action ran ({@code host_wall_ns}, the truth a bench on one machine compares against,
 * unaffected by a simulated device clock), and how long the action took. Immutable.
 *
 * @param index                0 for the first firing, k for the one at {@code at + k·every}
 * @param referenceNanos       the instant asked for, reference time
 * @param firedReferenceNanos  the reference time, by the agent's model, of the midpoint of the action's run (from
 *                             the agent's clock reading right before the call to the one right after its return);
 *                             the scheduler's reading before the call when the action did not run
 * @param localNanos           the agent's local clock then
 * @param errorBoundNanos      every instant of the action's run, so whenever its effect happened (a pipe write, a
 *                             process start), lies within {@code firedReferenceNanos ± this} in true reference
 *                             time: the model's bound at the midpoint plus half the run (with slack for drift)
 * @param latenessNanos        {@code firedReferenceNanos − referenceNanos} (so it includes half the action's run)
 * @param hostWallNanos        this machine's system clock when the action was called; null when it did not run
 * @param actionNanos          how long the action took (a process start, a pipe write); null when it did not run
 * @param outcome              what became of the firing ({@code FIRED}, {@code FAILED}, ... on the wire)
 * @param detail               why, for anything but {@code FIRED}; the action's own report otherwise
 */
public record FiringReport(int index, long referenceNanos, long firedReferenceNanos, long localNanos,
                           long errorBoundNanos, long latenessNanos, Long hostWallNanos, Long actionNanos,
                           Firing.Outcome outcome, String detail) {

    public FiringReport {
        Objects.requireNonNull(outcome, "outcome");
        // The detail may come from an agent's answer (or an action's output) and reaches terminals and logs.
        detail = SafeText.printable(detail);
    }

    /**
     * Whether the numbers could be a measurement: a bound neither negative nor beyond
     * {@link FleetApi#MAX_PLAUSIBLE_BOUND_NANOS}, and a lateness within
     * {@link FleetApi#MAX_PLAUSIBLE_OFFSET_NANOS}. A report that is not is a broken or hostile agent's.
     */
    public boolean plausible() {
        return errorBoundNanos >= 0 && errorBoundNanos <= FleetApi.MAX_PLAUSIBLE_BOUND_NANOS
                && latenessNanos >= -FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS && latenessNanos <= FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS;
    }

    /** Whether the action ran and succeeded. */
    public boolean fired() {
        return outcome == Firing.Outcome.FIRED;
    }

    /** The report as JSON fields, in documented order. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("reference_ns", referenceNanos);
        m.put("fired_reference_ns", firedReferenceNanos);
        m.put("local_ns", localNanos);
        m.put("error_bound_ns", errorBoundNanos);
        m.put("lateness_ns", latenessNanos);
        m.put("host_wall_ns", hostWallNanos);
        m.put("action_ns", actionNanos);
        m.put("outcome", outcome.name());
        m.put("detail", detail);
        return m;
    }

    /**
     * Reads a report from the fields of {@link #toJson()} (numbers as parsed JSON gives them).
     *
     * @throws IllegalArgumentException for a missing or mistyped field, an unknown outcome, or an index outside an int
     */
    public static FiringReport fromJson(Map<String, Object> m) {
        long index = num(m, "index");
        if (index < 0 || index > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("firing report with index " + index);
        }
        return new FiringReport((int) index, num(m, "reference_ns"), num(m, "fired_reference_ns"),
                num(m, "local_ns"), num(m, "error_bound_ns"), num(m, "lateness_ns"), optNum(m, "host_wall_ns"),
                optNum(m, "action_ns"), outcome(m.get("outcome")),
                m.get("detail") == null ? "" : String.valueOf(m.get("detail")));
    }

    private static Firing.Outcome outcome(Object v) {
        if (v instanceof String s) {
            for (Firing.Outcome o : Firing.Outcome.values()) {
                if (o.name().equals(s)) {
                    return o;
                }
            }
        }
        throw new IllegalArgumentException("firing report with an unknown outcome "
                + SafeText.printable(String.valueOf(v)));
    }

    private static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long || v instanceof Integer)) {
            throw new IllegalArgumentException("firing report without an integer " + key);
        }
        return ((Number) v).longValue();
    }

    private static Long optNum(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Long || v instanceof Integer ? ((Number) v).longValue() : null;
    }
}
