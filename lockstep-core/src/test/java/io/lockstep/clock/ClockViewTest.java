package io.lockstep.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.time.TimeSource;
import io.lockstep.time.VirtualTimeSource;

/** One snapshot of a clock answers every question from one model, contact and threshold. */
class ClockViewTest {

    private static final long S = 1_000_000_000L;

    private static ClockModel synced(long t, long offsetNanos) {
        return new ClockModel(t, offsetNanos, 20, 1_000, 0.01, 50_000, t, 100, t - 100 * S, 3, true);
    }

    @Test
    void anUnsyncedViewAnswersWithoutAModel() {
        VirtualTimeSource local = new VirtualTimeSource();
        ClockView v = SyncedClock.create(local, 3 * S).clock().view();
        long t = local.wallNanos();
        assertFalse(v.hasModel());
        assertEquals(ClockState.UNSYNCED, v.stateAt(t));
        assertEquals(Long.MAX_VALUE, v.errorBoundAt(t));
        assertTrue(Double.isNaN(v.driftPpm()));
        assertEquals(-1, v.sampleAgeAt(t));
        ClockReading r = v.readingAt(t);
        assertEquals(ClockState.UNSYNCED, r.state());
        assertEquals(t, r.localNanos());
        assertEquals(-1, r.sampleAgeNanos());
        assertThrows(IllegalStateException.class, () -> v.toReference(t));
        assertThrows(IllegalStateException.class, () -> v.toLocal(t));
    }

    @Test
    void aReadingIsTheModelAtTheInstantBothWays() {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        long t = local.wallNanos();
        ClockModel m = synced(t, 200_000_000);
        feed.publish(m, t);
        local.advance(2 * S);
        long now = local.wallNanos();
        ClockView v = feed.clock().view();
        ClockReading r = v.readingAt(now);
        assertEquals(m.offsetAtNanos(now), r.offsetNanos());
        assertEquals(now - m.offsetAtNanos(now), r.referenceNanos());
        assertEquals(m.errorBoundAtNanos(now), r.errorBoundNanos());
        assertEquals(20.0, r.driftPpm());
        assertEquals(3, r.segment());
        assertEquals(2 * S, r.sampleAgeNanos());
        assertEquals(ClockState.SYNCED, r.state());
        assertEquals(r.referenceNanos(), v.toReference(now));
        assertEquals(now, v.toLocal(v.toReference(now)), 1);
        // The same instant read through the clock itself gives the same reading.
        assertEquals(r, feed.clock().read());
        // The state at a later instant comes from the same snapshot: no answer for 4 s is holdover.
        assertEquals(ClockState.HOLDOVER, v.stateAt(t + 4 * S));
    }

    @Test
    void aViewKeepsItsSnapshotWhileTheClockMovesOn() {
        VirtualTimeSource local = new VirtualTimeSource();
        SyncedClock.Feed feed = SyncedClock.create(local, 3 * S);
        long t = local.wallNanos();
        feed.publish(synced(t, 1_000_000), t);
        ClockView before = feed.clock().view();
        assertSame(before, feed.clock().view());

        local.advance(10 * S);
        long now = local.wallNanos();
        feed.publish(synced(now, 2_000_000), now);
        ClockView after = feed.clock().view();

        assertNotSame(before, after);
        // The old view still pairs its own model with its own contact: 10 s of silence, holdover.
        assertEquals(ClockState.HOLDOVER, before.stateAt(now));
        assertEquals(synced(t, 1_000_000).offsetAtNanos(now), before.offsetAt(now));
        assertEquals(10 * S, before.sampleAgeAt(now));
        assertEquals(ClockState.SYNCED, after.stateAt(now));
        assertEquals(2_000_000, after.offsetAt(now));
        assertEquals(0, after.sampleAgeAt(now));
        // A contact alone or a new threshold is a new snapshot too.
        feed.contact(now + 1);
        assertNotSame(after, feed.clock().view());
        ClockView contacted = feed.clock().view();
        feed.holdoverAfterNanos(6 * S);
        assertNotSame(contacted, feed.clock().view());
        assertEquals(ClockState.HOLDOVER, contacted.stateAt(now + 5 * S));
        assertEquals(ClockState.SYNCED, feed.clock().view().stateAt(now + 5 * S));
    }

    @Test
    void aLocalClockIsItsOwnReference() {
        TimeSource local = new TimeSource() {
            @Override
            public long wallNanos() {
                return 1_700_000_000_000_000_000L;
            }

            @Override
            public long monoNanos() {
                return 0;
            }

            @Override
            public long wallUncertaintyNanos() {
                return 1_234;
            }
        };
        ClockView v = ClockView.local(local);
        long t = local.wallNanos();
        assertTrue(v.hasModel());
        assertEquals(t, v.toReference(t));
        assertEquals(t, v.toLocal(t));
        assertEquals(1_234, v.errorBoundAt(t));
        assertEquals(ClockState.SYNCED, v.stateAt(t));
        assertEquals(0.0, v.driftPpm());
        assertEquals(t, v.readingAt(t).referenceNanos());
    }
}
