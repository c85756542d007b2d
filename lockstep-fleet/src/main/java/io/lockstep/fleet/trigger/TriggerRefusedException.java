package io.lockstep.fleet.trigger;

/**
 * An agent refused a trigger: the {@link Refusal} and a one-line reason for people, e.g.
 * {@code "replay: trigger 1f2e... was already accepted"}. Immutable.
 */
public final class TriggerRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;

    public TriggerRefusedException(Refusal refusal, String reason) {
        super(refusal.code() + ": " + reason);
        this.refusal = refusal;
    }

    /** Why, as a category. */
    public Refusal refusal() {
        return refusal;
    }
}
