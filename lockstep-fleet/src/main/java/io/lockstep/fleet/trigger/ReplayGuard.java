package io.lockstep.fleet.trigger;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers the ids of accepted triggers until they expire, so a captured trigger sent again is
 * refused as a replay. Memory is bounded: once {@code capacity} unexpired ids are held, new
 * triggers are refused rather than an unexpired id forgotten (forgetting would let its replay
 * through). Expired ids are dropped as time passes. Thread-safe (synchronized).
 */
final class ReplayGuard {

    private record Entry(String id, long expiresNanos) {
    }

    private final int capacity;
    private final Map<String, Long> expiries = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry =
            new PriorityQueue<>((a, b) -> Long.compare(a.expiresNanos, b.expiresNanos));

    ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
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
        Entry e;
        while ((e = byExpiry.peek()) != null && e.expiresNanos < nowNanos) {
            byExpiry.poll();
            expiries.remove(e.id);
        }
    }
}
