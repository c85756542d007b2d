package io.lockstep.clock;

/** How far a {@link SyncedClock} can be trusted. Immutable. */
public enum ClockState {
    /** No usable exchange yet; the clock cannot tell reference time. */
    UNSYNCED,
    /** An offset is known but not yet the drift; the error bound assumes worst-case crystals. */
    SYNCING,
    /** Offset and drift are fitted from recent exchanges. */
    SYNCED,
    /** Exchanges stopped; the clock predicts from its last model with a growing error bound. */
    HOLDOVER
}
