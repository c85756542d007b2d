package io.lockstep.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.time.VirtualTimeSource;

class SyncedClockTest {

    private static final long S = 1_000_000_000L;

    @Test
    void statesFollowTheModelAndItsAge() {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        SyncedClock clock = feed.clock();
        assertEquals(ClockState.UNSYNCED, clock.state());
        assertEquals(Long.MAX_VALUE, clock.errorBoundNanos());
        assertThrows(IllegalStateException.class, clock::nowNanos);

        long t = local.wallNanos();
        feed.publish(new ClockModel(t, 200_000_000, 0, 1_000, 100, 50_000, t, 1, t, 0, false));
        assertEquals(ClockState.SYNCING, clock.state());
        feed.publish(new ClockModel(t, 200_000_000, 20, 1_000, 0.01, 50_000, t, 100, t - 100 * S, 0, true));
        assertEquals(ClockState.SYNCED, clock.state());
        assertEquals(t - 200_000_000, clock.nowNanos());

        local.advance(10 * S);
        assertEquals(ClockState.HOLDOVER, clock.state());
        // Prediction continues with the drift: a remote 20 ppm fast gains 200 µs in 10 s.
        assertEquals(20.0, clock.driftPpm());
        assertEquals(local.wallNanos() - 200_000_000 + 200_000, clock.nowNanos());
        long boundAt10s = clock.errorBoundNanos();
        local.advance(3600 * S);
        assertTrue(clock.errorBoundNanos() > boundAt10s);
        assertEquals(local.wallNanos(), clock.toLocal(clock.nowNanos()), 1);
    }

    @Test
    void slowAnswersCountAsContactUntilTheModelIsStale() {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        SyncedClock clock = feed.clock();
        long t = local.wallNanos();
        feed.publish(new ClockModel(t, 0, 0, 1_000, 0.01, 50_000, t, 100, t - 100 * S, 0, true));
        local.advance(10 * S);
        feed.contact(local.wallNanos() - S);
        assertEquals(ClockState.SYNCED, clock.state());
        local.advance(51 * S);
        feed.contact(local.wallNanos());
        // Answers keep coming but none usable for 20 holdover thresholds: the model is stale.
        assertEquals(ClockState.HOLDOVER, clock.state());
    }

    /**
     * A writer swaps models as fast as it can while readers check every reading against the one
     * model it must have come from: model i has offset i µs, bound 1000 + i ns and segment i, so
     * a reading that mixes two models (a time from one, a bound from the next) is caught.
     */
    @Test
    void everyReadingComesFromOneModel() throws InterruptedException {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        SyncedClock clock = feed.clock();
        long t = local.wallNanos();
        int models = 1_000;
        ClockModel[] byIndex = new ClockModel[models];
        for (int i = 0; i < models; i++) {
            // Anchored at the (frozen) local time with no uncertainty: offset and bound are exact.
            byIndex[i] = new ClockModel(t, i * 1_000.0, 0, 0, 0, 1_000 + i, t, 100, t - 100 * S, i, true);
        }
        feed.publish(byIndex[0], t);
        java.util.concurrent.atomic.AtomicLong readings = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> mixed = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                while (!stop.get()) {
                    ClockReading reading = clock.read();
                    int i = reading.segment();
                    if (reading.offsetNanos() != i * 1_000L || reading.errorBoundNanos() != 1_000 + i
                            || reading.referenceNanos() != t - i * 1_000L || reading.state() != ClockState.SYNCED) {
                        mixed.compareAndSet(null, reading.toString());
                    }
                    readings.incrementAndGet();
                }
            });
            readers[r].start();
        }
        long deadline = System.nanoTime() + 2 * S;
        for (int k = 1; System.nanoTime() < deadline && mixed.get() == null; k++) {
            feed.publish(byIndex[k % models], t);
        }
        stop.set(true);
        for (Thread r : readers) {
            r.join();
        }
        assertTrue(readings.get() > 10_000, "readers ran " + readings.get() + " times");
        assertEquals(null, mixed.get(), "a reading mixed two models");
    }
}
