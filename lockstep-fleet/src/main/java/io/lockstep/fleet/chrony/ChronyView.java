package io.lockstep.fleet.chrony;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The system clock as chronyd sees it, beside the agent's own measurement of the same system
 * clock against its reference, and whether the two disagree beyond their bounds: the
 * {@code chrony} object of an agent's status and of a fleet row. Immutable.
 *
 * <p>Both offsets are <em>system clock − reference clock</em>. The agent measures its own
 * clock (which is the system clock unless simulated) against the reference and adds the
 * difference between its clock and the system clock read at the same instant. They
 * <em>disagree</em> when the two intervals, each offset ± its bound, do not overlap: then one of
 * them is wrong (chrony following another source than the agent's reference, a stale chronyd, a
 * clock stepped by hand) and the device is flagged.
 *
 * @param leap                chrony's leap status word: normal, insert, delete, unsynchronised
 * @param stratum             chronyd's stratum
 * @param reference           chronyd's selected source, as chronyc names it (may be empty)
 * @param offsetNanos         system − reference by chronyd
 * @param errorBoundNanos     chrony's bound: root dispersion + root delay / 2
 * @param rootDelayNanos      chrony's root delay
 * @param rootDispersionNanos chrony's root dispersion
 * @param ageNanos            how long before the status the chronyc report was read
 * @param systemOffsetNanos   system − reference by the agent, or null while the agent is unsynced
 * @param systemErrorBoundNanos the agent's bound on that, or null
 * @param disagrees           whether the intervals do not overlap; null when there is nothing to compare
 *                            (either side unsynchronised)
 */
public record ChronyView(String leap, int stratum, String reference, long offsetNanos, long errorBoundNanos,
                         long rootDelayNanos, long rootDispersionNanos, long ageNanos, Long systemOffsetNanos,
                         Long systemErrorBoundNanos, Boolean disagrees) {

    /**
     * The view of one chronyc report read {@code ageNanos} ago, beside the agent's own reading of
     * the system clock (null offset and bound while the agent is unsynced).
     */
    public static ChronyView of(ChronyTracking t, long ageNanos, Long systemOffsetNanos, Long systemErrorBoundNanos) {
        Boolean disagrees = null;
        if (t.synced() && systemOffsetNanos != null && systemErrorBoundNanos != null) {
            long gap = Math.abs(systemOffsetNanos - t.systemMinusReferenceNanos());
            disagrees = gap > t.errorBoundNanos() + systemErrorBoundNanos;
        }
        return new ChronyView(t.leapWord(), t.stratum(), t.referenceName(), t.systemMinusReferenceNanos(),
                t.errorBoundNanos(), t.rootDelayNanos(), t.rootDispersionNanos(), ageNanos, systemOffsetNanos,
                systemErrorBoundNanos, disagrees);
    }

    /** Whether chronyd has a synchronised source. */
    public boolean synced() {
        return !"unsynchronised".equals(leap);
    }

    /** The JSON object, fields in the documented order. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leap", leap);
        m.put("stratum", stratum);
        m.put("reference", reference);
        m.put("offset_ns", offsetNanos);
        m.put("error_bound_ns", errorBoundNanos);
        m.put("root_delay_ns", rootDelayNanos);
        m.put("root_dispersion_ns", rootDispersionNanos);
        m.put("age_ns", ageNanos);
        m.put("system_offset_ns", systemOffsetNanos);
        m.put("system_error_bound_ns", systemErrorBoundNanos);
        m.put("disagrees", disagrees);
        return m;
    }

    /**
     * Reads the object {@link #toJson()} writes (numbers as Integer or Long, as a JSON reader
     * gives them).
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong type
     */
    public static ChronyView fromJson(Map<String, Object> m) {
        Object leap = m.get("leap");
        if (!(leap instanceof String l) || !(l.equals("normal") || l.equals("insert") || l.equals("delete")
                || l.equals("unsynchronised"))) {
            throw new IllegalArgumentException("chrony.leap is not a leap status");
        }
        Object ref = m.get("reference");
        Object disagrees = m.get("disagrees");
        if (disagrees != null && !(disagrees instanceof Boolean)) {
            throw new IllegalArgumentException("chrony.disagrees is not a boolean");
        }
        long bound = required(m, "error_bound_ns");
        long delay = required(m, "root_delay_ns");
        long dispersion = required(m, "root_dispersion_ns");
        if (bound < 0 || delay < 0 || dispersion < 0) {
            throw new IllegalArgumentException("chrony: negative bound, root delay or dispersion");
        }
        return new ChronyView(l, (int) Math.max(0, Math.min(16, required(m, "stratum"))),
                ref instanceof String s ? s.replaceAll("\\p{Cntrl}", "?") : "", required(m, "offset_ns"), bound,
                delay, dispersion, required(m, "age_ns"), optional(m, "system_offset_ns"),
                optional(m, "system_error_bound_ns"), (Boolean) disagrees);
    }

    private static long required(Map<String, Object> m, String name) {
        Long v = optional(m, name);
        if (v == null) {
            throw new IllegalArgumentException("chrony." + name + " is missing");
        }
        return v;
    }

    private static Long optional(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException("chrony." + name + " is not an integer");
    }
}
