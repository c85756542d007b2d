package io.lockstep.fleet.trigger;

/**
 * Why an agent refused a trigger, with the HTTP status it answers and the short code that
 * appears in its JSON ({@code {"error": "...", "code": "..."}}) and log. Every refusal is a 4xx:
 * the trigger, or the moment it came, was wrong; the agent itself is fine. Immutable.
 */
public enum Refusal {
    /** The body is not a trigger (bad JSON, a missing or ill-formed field). */
    MALFORMED(400, "malformed"),
    /** No signature. */
    UNSIGNED(401, "unsigned"),
    /** A signature that is not the fleet key's signature of this trigger. */
    BAD_SIGNATURE(401, "bad-signature"),
    /** The agent has no action of that name in its own actions file. */
    UNKNOWN_ACTION(404, "unknown-action"),
    /** The action's kind cannot do what the trigger asks (a {@code tick} without a period). */
    WRONG_KIND(422, "wrong-kind"),
    /** This trigger id was already accepted and has not expired: a replay. */
    REPLAY(409, "replay"),
    /** The reference clock is past the trigger's expiry. */
    EXPIRED(410, "expired"),
    /** The instant is already past, or too close to prepare for. */
    PAST(422, "past"),
    /** The instant or the expiry lies further ahead than the agent accepts. */
    TOO_FAR(422, "too-far"),
    /** The agent's clock is not synchronised to the reference, so it cannot tell when the instant is. */
    NOT_SYNCED(409, "not-synced"),
    /** The agent's predicted error bound at the instant exceeds the limit (its own or the trigger's). */
    BOUND_TOO_LARGE(409, "bound-too-large"),
    /** The agent already remembers as many unexpired triggers as it will. */
    TOO_MANY(429, "too-many"),
    /** The agent was started without a fleet key, so it can check no signature and accepts nothing. */
    NO_KEY(403, "no-key"),
    /** The agent is shutting down. */
    CLOSED(409, "closed");

    private final int httpStatus;
    private final String code;

    Refusal(int httpStatus, String code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    /** The HTTP status of the refusal: always 4xx. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The short machine-readable code, e.g. {@code replay}. */
    public String code() {
        return code;
    }

    /** The refusal with this code, or null. */
    public static Refusal ofCode(String code) {
        for (Refusal r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        return null;
    }
}
