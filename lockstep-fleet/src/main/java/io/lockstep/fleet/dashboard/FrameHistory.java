package io.lockstep.fleet.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} frames, oldest first: a ring buffer, so a dashboard that runs for
 * days holds a bounded amount of history and a newly opened page can still draw the last
 * minutes. Thread-safe (one lock; frames are immutable).
 */
public final class FrameHistory {

    private final DashboardFrame[] ring;
    private int next;
    private int size;

    public FrameHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be at least 1, got " + capacity);
        }
        this.ring = new DashboardFrame[capacity];
    }

    public synchronized void add(DashboardFrame frame) {
        ring[next] = frame;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** Replaces the newest frame (adds it when there is none). */
    public synchronized void replaceLatest(DashboardFrame frame) {
        if (size == 0) {
            add(frame);
        } else {
            ring[(next - 1 + ring.length) % ring.length] = frame;
        }
    }

    /** The frames held now, oldest first. */
    public synchronized List<DashboardFrame> frames() {
        List<DashboardFrame> out = new ArrayList<>(size);
        int start = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out.add(ring[(start + i) % ring.length]);
        }
        return out;
    }

    /** The newest frame, or null before the first. */
    public synchronized DashboardFrame latest() {
        return size == 0 ? null : ring[(next - 1 + ring.length) % ring.length];
    }

    public int capacity() {
        return ring.length;
    }
}
