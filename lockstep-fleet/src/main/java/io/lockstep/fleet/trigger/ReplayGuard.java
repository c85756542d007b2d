package io.lockstep.fleet.trigger;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers the ids of accepted triggers until they expire, so a captured trigger sent again is
 * refused as a replay. Memory is bounded: once {@code capacity} unexpired ids are held, new
 * triggers are refused rather than an unexpired id forgotten (forgetting would let its replay
 * through). Expired ids are dropped as time passes. Time here only moves forward: expiry is
 * judged by the latest reference time seen, since an id forgotten once its trigger expired would
 * make that trigger new again if the reference clock later stepped back. Thread-safe
 * (synchronized).
 */
final class ReplayGuard {

    private record Entry(String id, long expiresNanos) {
    }

    private final int capacity;
    private long latestNowNanos = Long.MIN_VALUE;
    private final Map<String, Long> expiries = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry =
            new PriorityQueue<>((a, b) -> Long.compare(a.expiresNanos, b.expiresNanos));

    ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * The reference time to judge expiry by: the latest of {@code nowNanos} and every earlier
     * reference time given to this guard.
     */
    synchronized long expiryClockNanos(long nowNanos) {
        latestNowNanos = Math.max(latestNowNanos, nowNanos);
        return latestNowNanos;
    }

    /** Whether {@code id} was admitted and has not expired by reference time {@code nowNanos}. */
    synchronized boolean seen(String id, long nowNanos) {
        dropExpired(nowNanos);
        return expiries.containsKey(id);
    }

    /**
     * Remembers {@code id} until {@code expiresNanos}.
     *
     * @throws TriggerRefusedException {@link Refusal#REPLAY} when it is remembered already,
     *                                 {@link Refusal#TOO_MANY} when the memory is full
     */
    synchronized void admit(String id, long expiresNanos, long nowNanos) throws TriggerRefusedException {
        dropExpired(nowNanos);
        if (expiries.containsKey(id)) {
            throw new TriggerRefusedException(Refusal.REPLAY, "trigger " + id + " was already accepted");
        }
        if (expiries.size() >= capacity) {
            throw new TriggerRefusedException(Refusal.TOO_MANY, "this agent already holds " + capacity
                    + " unexpired triggers; try again after some expire");
        }
        expiries.put(id, expiresNanos);
        byExpiry.add(new Entry(id, expiresNanos));
    }

    /** Unexpired ids held. */
    synchronized int size(long nowNanos) {
        dropExpired(nowNanos);
        return expiries.size();
    }

    private void dropExpired(long nowNanos) {
        long clockNanos = expiryClockNanos(nowNanos);
        Entry e;
        while ((e = byExpiry.peek()) != null && e.expiresNanos < clockNanos) {
            byExpiry.poll();
            expiries.remove(e.id);
        }
    }
}
