package io.lockstep.fleet;

import io.lockstep.clock.ClockState;

/**
 * What the monitor shows for a device: its clock's state when it could be read, or why it could
 * not ({@link #UNREACHABLE}, {@link #ERROR}). The name is the word in {@code fleet status} output
 * and its JSON ({@code "state"}). Immutable.
 */
public enum DeviceState {
    /** No usable exchange with its reference yet. */
    UNSYNCED,
    /** Measured, but the model is not settled yet. */
    SYNCING,
    /** Measured and settled: counts towards the spread. */
    SYNCED,
    /** Its reference fell silent; the model is carried forward. */
    HOLDOVER,
    /** The last poll did not reach it. */
    UNREACHABLE,
    /** It answered, but not with a usable status (garbled, incompatible, impossible numbers). */
    ERROR;

    /** The state shown for a readable clock in {@code state}. */
    public static DeviceState of(ClockState state) {
        return switch (state) {
            case UNSYNCED -> UNSYNCED;
            case SYNCING -> SYNCING;
            case SYNCED -> SYNCED;
            case HOLDOVER -> HOLDOVER;
        };
    }
}
