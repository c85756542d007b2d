package io.lockstep.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.estimate.ClockModel;
import io.lockstep.time.VirtualTimeSource;

class SyncedClockTest {

    private static final long S = 1_000_000_000L;

    @Test
    void statesFollowTheModelAndItsAge() {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock clock = new SyncedClock(local, 3 * S);
        assertEquals(ClockState.UNSYNCED, clock.state());
        assertEquals(Long.MAX_VALUE, clock.errorBoundNanos());
        assertThrows(IllegalStateException.class, clock::nowNanos);

        long t = local.wallNanos();
        clock.update(new ClockModel(t, 200_000_000, 0, 1_000, 100, 50_000, t, 1, t, 0, false));
        assertEquals(ClockState.SYNCING, clock.state());
        clock.update(new ClockModel(t, 200_000_000, 20, 1_000, 0.01, 50_000, t, 100, t - 100 * S, 0, true));
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
        SyncedClock clock = new SyncedClock(local, 3 * S);
        long t = local.wallNanos();
        clock.update(new ClockModel(t, 0, 0, 1_000, 0.01, 50_000, t, 100, t - 100 * S, 0, true));
        local.advance(10 * S);
        clock.contact(local.wallNanos() - S);
        assertEquals(ClockState.SYNCED, clock.state());
        local.advance(51 * S);
        clock.contact(local.wallNanos());
        // Answers keep coming but none usable for 20 holdover thresholds: the model is stale.
        assertEquals(ClockState.HOLDOVER, clock.state());
    }

    @Test
    void readersNeverSeeAMixOfTwoModels() throws InterruptedException {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock clock = new SyncedClock(local, 3 * S);
        long t = local.wallNanos();
        // Two models that agree only with themselves: offset and segment change together.
        ClockModel a = new ClockModel(t, 1_000_000, 0, 10, 0.001, 1_000, t, 100, t, 0, true);
        ClockModel b = new ClockModel(t, 2_000_000, 0, 10, 0.001, 2_000, t, 100, t, 1, true);
        clock.update(a);
        java.util.concurrent.atomic.AtomicBoolean torn = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            for (int i = 0; i < 200_000; i++) {
                ClockModel m = clock.model();
                long offset = m.offsetAtNanos(t);
                if (offset != 1_000_000L * (m.segment() + 1) || clock.state() != ClockState.SYNCED) {
                    torn.set(true);
                }
            }
        });
        reader.start();
        for (int i = 0; i < 200_000 && reader.isAlive(); i++) {
            clock.update(i % 2 == 0 ? b : a);
        }
        reader.join();
        assertTrue(!torn.get());
    }
}
