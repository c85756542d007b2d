package io.lockstep.fleet;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.chrony.ChronyView;

/**
 * An agent's status document, {@code GET /api/status}: who the agent is and one consistent
 * reading of its clock against its reference, all taken from one model at one local instant.
 * The agent writes it with {@link #toJson()}; the monitor reads it with {@link #parse(String)},
 * which rejects a garbled document with a one-line reason. Immutable.
 *
 * <p>Signs follow the tracker: {@code offsetNanos = agent clock − reference clock} (the agent is
 * the local side), and {@code driftPpm} is how fast the reference runs relative to the agent's
 * clock (positive: reference fast, so the offset falls).
 *
 * @param name              the agent's name
 * @param version           the agent's software version
 * @param apiVersion        the status document's version, {@link FleetApi#API_VERSION}
 * @param host              the host name the agent runs on
 * @param reference         the reference target it tracks, as written
 * @param state             the clock's state at the reading
 * @param offsetNanos       agent − reference at the reading, or null while unsynced
 * @param errorBoundNanos   the true offset lies within {@code offsetNanos ± this}, or null while unsynced
 * @param driftPpm          reference relative to the agent's clock, or null while unsynced
 * @param lastSampleAgeNanos how long before the reading the newest sample in the model was taken, or null
 * @param samples           exchanges that produced a sample
 * @param dropped           exchanges that failed
 * @param uptimeNanos       time since the agent started
 * @param localWallNanos    the agent's local wall time of the reading
 * @param lastFailure       why the latest exchange failed, or null
 * @param chrony            the system clock as chronyd sees it beside the agent's own view, or null
 *                          where no chronyd runs (the {@code chrony} object, absent then)
 */
public record AgentStatus(String name, String version, int apiVersion, String host, String reference,
                          ClockState state, Long offsetNanos, Long errorBoundNanos, Double driftPpm,
                          Long lastSampleAgeNanos, long samples, long dropped, long uptimeNanos, long localWallNanos,
                          String lastFailure, ChronyView chrony) {

    /** A status without chrony's view (no chronyd on the device). */
    public AgentStatus(String name, String version, int apiVersion, String host, String reference, ClockState state,
                       Long offsetNanos, Long errorBoundNanos, Double driftPpm, Long lastSampleAgeNanos, long samples,
                       long dropped, long uptimeNanos, long localWallNanos, String lastFailure) {
        this(name, version, apiVersion, host, reference, state, offsetNanos, errorBoundNanos, driftPpm,
                lastSampleAgeNanos, samples, dropped, uptimeNanos, localWallNanos, lastFailure, null);
    }

    /** This status with chrony's view beside it. */
    public AgentStatus withChrony(ChronyView view) {
        return new AgentStatus(name, version, apiVersion, host, reference, state, offsetNanos, errorBoundNanos,
                driftPpm, lastSampleAgeNanos, samples, dropped, uptimeNanos, localWallNanos, lastFailure, view);
    }

    /** Largest status document a monitor reads: {@link AgentClient#MAX_STATUS_BYTES}. */
    public static final int MAX_BYTES = AgentClient.MAX_STATUS_BYTES;

    /** The document's fields in their documented order; null values are written as null. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("version", version);
        m.put("api_version", apiVersion);
        m.put("host", host);
        m.put("reference", reference);
        m.put("state", state.name());
        m.put("offset_ns", offsetNanos);
        m.put("error_bound_ns", errorBoundNanos);
        m.put("drift_ppm", driftPpm);
        m.put("last_sample_age_ns", lastSampleAgeNanos);
        m.put("samples", samples);
        m.put("dropped", dropped);
        m.put("uptime_ns", uptimeNanos);
        m.put("local_wall_ns", localWallNanos);
        m.put("last_failure", lastFailure);
        if (chrony != null) {
            // Added in 0.1 without a version bump: monitors skip objects they do not know.
            m.put("chrony", chrony.toJson());
        }
        return m;
    }

    /**
     * Thrown for a status document that cannot be read; the message is one printable line for a
     * device row (it may quote the agent's text).
     */
    public static final class GarbledException extends Exception {
        public GarbledException(String message) {
            super(SafeText.printable(message));
        }
    }

    /**
     * Reads a status document. Unknown fields are ignored (a newer agent may add some); a missing
     * required field, a value of the wrong type, an impossible number (a bound that is negative or
     * beyond {@link FleetApi#MAX_PLAUSIBLE_BOUND_NANOS}, an offset beyond
     * {@link FleetApi#MAX_PLAUSIBLE_OFFSET_NANOS}) or a document that is not JSON is an error. Control
     * characters in strings are replaced ({@link SafeText}): they reach terminals and logs. This
     * is the entry point a fuzz target of the status answer calls.
     *
     * @throws GarbledException with a one-line reason
     */
    public static AgentStatus parse(String json) throws GarbledException {
        if (json == null || json.isBlank()) {
            throw new GarbledException("garbled status: empty response");
        }
        if (json.length() > MAX_BYTES) {
            throw new GarbledException("garbled status: " + json.length() + " bytes, more than " + MAX_BYTES);
        }
        Map<String, Object> fields;
        try {
            fields = JsonText.object(json);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = why.indexOf('\n');
            throw new GarbledException("garbled status: " + (nl < 0 ? why : why.substring(0, nl)));
        }
        // Version first: an agent of another version may have other fields, and that is the better reason.
        if (!fields.containsKey("api_version") && !fields.containsKey("version")) {
            throw new GarbledException("garbled status: no api_version or version field (not a lockstep agent?)");
        }
        long apiField = integer(fields, "api_version", false, -1);
        if (apiField < -1 || apiField > Integer.MAX_VALUE) {
            // A cast would fold 2^32 + 1 into version 1: an unknown version must never pass as ours.
            throw new GarbledException("garbled status: api_version " + apiField + " out of range");
        }
        int api = (int) apiField;
        String version = string(fields, "version", true);
        String stateText = string(fields, "state", true);
        ClockState state;
        try {
            state = ClockState.valueOf(stateText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GarbledException("garbled status: unknown state '" + stateText + "'");
        }
        Long offset = nullableInteger(fields, "offset_ns");
        Long bound = nullableInteger(fields, "error_bound_ns");
        if (state != ClockState.UNSYNCED && (offset == null || bound == null)) {
            throw new GarbledException("garbled status: state " + state + " without offset_ns and error_bound_ns");
        }
        if (bound != null && bound < 0) {
            throw new GarbledException("garbled status: negative error_bound_ns " + bound);
        }
        if (bound != null && bound > FleetApi.MAX_PLAUSIBLE_BOUND_NANOS) {
            throw new GarbledException("garbled status: impossible error_bound_ns " + bound + " (more than a year)");
        }
        if (offset != null && (offset > FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS || offset < -FleetApi.MAX_PLAUSIBLE_OFFSET_NANOS)) {
            throw new GarbledException("garbled status: impossible offset_ns " + offset + " (more than 100 years)");
        }
        Object drift = fields.get("drift_ppm");
        if (drift != null && !(drift instanceof Number)) {
            throw new GarbledException("garbled status: drift_ppm is not a number");
        }
        ChronyView chrony = null;
        Map<String, Object> chronyFields = scalarFields(fields.get("chrony"));
        if (chronyFields != null) {
            try {
                chrony = ChronyView.fromJson(chronyFields);
            } catch (IllegalArgumentException e) {
                throw new GarbledException("garbled status: " + e.getMessage());
            }
        }
        return new AgentStatus(string(fields, "name", true), version, api, string(fields, "host", false),
                string(fields, "reference", false), state, offset, bound,
                drift == null ? null : ((Number) drift).doubleValue(), nullableInteger(fields, "last_sample_age_ns"),
                integer(fields, "samples", false, 0), integer(fields, "dropped", false, 0),
                integer(fields, "uptime_ns", false, 0), integer(fields, "local_wall_ns", true, 0),
                string(fields, "last_failure", false), chrony);
    }

    /** The scalar fields of {@code value} when it is an object (nested values left out); otherwise null. */
    private static Map<String, Object> scalarFields(Object value) {
        if (!(value instanceof Map<?, ?> object)) {
            return null;
        }
        Map<String, Object> out = new HashMap<>();
        object.forEach((k, v) -> {
            if (!(v instanceof Map<?, ?>) && !(v instanceof java.util.List<?>)) {
                out.put(String.valueOf(k), v);
            }
        });
        return out;
    }

    private static String string(Map<String, Object> fields, String name, boolean required) throws GarbledException {
        Object v = fields.get(name);
        if (v == null) {
            if (required) {
                throw new GarbledException("garbled status: missing " + name);
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new GarbledException("garbled status: " + name + " is not a string");
        }
        return SafeText.printable(s);
    }

    private static long integer(Map<String, Object> fields, String name, boolean required, long otherwise)
            throws GarbledException {
        Long v = nullableInteger(fields, name);
        if (v == null) {
            if (required) {
                throw new GarbledException("garbled status: missing " + name);
            }
            return otherwise;
        }
        return v;
    }

    private static Long nullableInteger(Map<String, Object> fields, String name) throws GarbledException {
        Object v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new GarbledException("garbled status: " + name + " is not an integer");
    }
}
