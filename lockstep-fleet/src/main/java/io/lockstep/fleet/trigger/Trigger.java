package io.lockstep.fleet.trigger;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.lockstep.fleet.action.Action;

/**
 * An order to run one named action at an instant of the reference clock, as the monitor sends
 * it to agents: an id (for replay protection and for asking about the firing later), the action's
 * name (never a command: the agent's own actions file says what the name does), the instant,
 * an expiry after which the trigger is void, an optional period and count for repeated firings,
 * an optional limit on the agent's error bound at the instant, and an HMAC-SHA256 signature
 * under the fleet key. All instants are reference-clock wall time in ns since the Unix epoch.
 * Immutable.
 *
 * <p>The signature covers every field but itself, in the fixed text form of {@link #canonical()},
 * so changing any field (another action, a later instant, a longer expiry) breaks it.
 *
 * @param id             unique per trigger: letters, digits, '-' and '_', at most 64
 * @param action         the action's name in the agents' actions files
 * @param atNanos        the (first) instant, reference time
 * @param expiresNanos   the trigger is refused once the reference clock has passed this
 * @param everyNanos     period of repeated firings, 0 for one firing
 * @param count          number of firings (1 for one), at {@code atNanos + k·everyNanos}
 * @param maxBoundNanos  an agent refuses when its predicted error bound at the instant exceeds
 *                       this (0: only the agent's own limit applies)
 * @param signature      hex HMAC-SHA256 of {@link #canonical()}, or null when unsigned
 */
public record Trigger(String id, String action, long atNanos, long expiresNanos, long everyNanos, int count,
                      long maxBoundNanos, String signature) {

    /** What an id may look like. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Most firings one trigger may ask for: the agent keeps a report of each. */
    public static final int MAX_COUNT = 100_000;

    public Trigger {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a trigger id (letters, digits, '-', '_'; at most 64)");
        }
        if (action == null || !Action.NAME.matcher(action).matches()) {
            throw new IllegalArgumentException("'" + action + "' is not an action name");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be between 1 and " + MAX_COUNT + ", not " + count);
        }
        if (everyNanos < 0) {
            throw new IllegalArgumentException("the period must not be negative");
        }
        if (count > 1 && everyNanos == 0) {
            throw new IllegalArgumentException("a trigger with a count of " + count + " needs a period (every)");
        }
        try {
            Math.addExact(atNanos, Math.multiplyExact(count - 1L, everyNanos));
        } catch (ArithmeticException e) {
            // Wrapped around, the last instant would look long past and slip under an agent's too-far check.
            throw new IllegalArgumentException("the last firing lies beyond what 64-bit nanoseconds hold");
        }
        if (maxBoundNanos < 0) {
            throw new IllegalArgumentException("the bound limit must not be negative");
        }
        if (signature != null && signature.isEmpty()) {
            signature = null;
        }
    }

    /** An unsigned trigger with a fresh random id. */
    public static Trigger create(String action, long atNanos, long expiresNanos, long everyNanos, int count,
                                 long maxBoundNanos) {
        return new Trigger(newId(), action, atNanos, expiresNanos, everyNanos, count, maxBoundNanos, null);
    }

    /** A random 128-bit id in hex: ids must never repeat within a fleet, across monitors and restarts. */
    public static String newId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The text the signature covers: a version line, then every field, one a line. */
    public String canonical() {
        return "lockstep-trigger-v1\n" + id + "\n" + action + "\n" + atNanos + "\n" + expiresNanos + "\n"
                + everyNanos + "\n" + count + "\n" + maxBoundNanos + "\n";
    }

    /** This trigger signed with {@code key}. */
    public Trigger signedWith(FleetKey key) {
        return withSignature(key.sign(canonical()));
    }

    /** This trigger with another signature (null: unsigned); for tests of wrongly signed triggers. */
    public Trigger withSignature(String sig) {
        return new Trigger(id, action, atNanos, expiresNanos, everyNanos, count, maxBoundNanos, sig);
    }

    /** The instant of firing {@code k} (0-based), reference time. */
    public long instantNanos(int k) {
        return atNanos + k * everyNanos;
    }

    /** The instant of the last firing. */
    public long lastInstantNanos() {
        return instantNanos(count - 1);
    }

    /** Whether this trigger fires more than once (or is periodic at all). */
    public boolean periodic() {
        return everyNanos > 0;
    }
}
