package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.sim.LinkModel;

class FireBaselinesTest {

    @Test
    void theBashLoopActsOnceForEveryTargetAfterTheTargetSecond() throws Exception {
        FireRun run = FireBaselines.bashLoop(3, 2);
        assertEquals(6, run.fired(), "every process acts once per target");
        for (long e : run.errorsNanos()) {
            assertTrue(e >= 0, "acts only once date has reached the target: " + e);
        }
        assertEquals(2, run.spreadsNanos().length);
    }

    @Test
    void theCarefulBashLoopActsOnceForEveryTargetAfterTheTarget() throws Exception {
        FireRun run = FireBaselines.carefulBash(2, 2);
        assertEquals(4, run.fired(), "every process acts once per target");
        for (long e : run.errorsNanos()) {
            assertTrue(e >= 0, "acts only once EPOCHREALTIME has reached the target: " + e);
        }
    }

    @Test
    void theControlsThreadsActOnceForEveryInstantAfterIt() throws Exception {
        FireRun run = FireBaselines.syncedThreads(3, 2, 100_000_000L, 50_000L);
        assertEquals(6, run.fired());
        for (long e : run.errorsNanos()) {
            assertTrue(e >= 0, "acts only once the host clock has reached the instant: " + e);
        }
        assertEquals(0, run.bounded(), "the control states no bound");
    }

    @Test
    void everyListenerActsOnReceiptOnLoopback() throws Exception {
        FireRun run = FireBaselines.broadcast(4, 3, 50_000_000L, null, null, 1);
        assertEquals(12, run.fired());
        for (long e : run.errorsNanos()) {
            assertTrue(e >= 0, "acts after the datagram was sent: " + e);
        }
    }

    @Test
    void aLossyLinkLeavesMissedActionsCountedNotInvented() throws Exception {
        FireRun run = FireBaselines.broadcast(3, 4, 50_000_000L, LinkModel.of(1_000_000L, 0, 0.5, 0), "lossy", 7);
        assertEquals(12, run.expected());
        // Half the datagrams are lost (each proxy's draws are fixed by its seed): those devices never act.
        assertTrue(run.fired() > 0 && run.fired() < run.expected(), run.fired() + " of 12");
        for (long e : run.errorsNanos()) {
            assertTrue(e >= 1_000_000L, "no action before the link's 1 ms delay: " + e);
        }
    }

    @Test
    void unsyncedExecutorsActAtTheirOwnClocksIdeaOfTheInstant() throws Exception {
        List<FireBaselines.DeviceClock> clocks = List.of(new FireBaselines.DeviceClock(1_000_000_000L, 0),
                new FireBaselines.DeviceClock(-200_000_000L, 10));
        FireRun run = FireBaselines.unsyncedExecutors(clocks, 2, 50_000_000L);
        assertEquals(4, run.fired());
        long[] ahead = run.deviceErrorsNanos(0);
        long[] behind = run.deviceErrorsNanos(1);
        // A clock 1 s ahead acts 1 s early, one 200 ms behind 200 ms late, each plus however late
        // its executor thread wakes. Nothing can make an action earlier than its clock says, so
        // the edges toward "early" are tight (50 ms for clock reads and the 10 ppm drift).
        // Lateness is the machine's, unbounded on a busy one: the ahead device need only still act
        // before the instant (its clock is 1 s ahead, so only a wake-up a whole second late
        // could miss that), and the late edge is left to the run's own deadline, past which an
        // action counts as missed and fails the count above.
        for (long e : ahead) {
            assertTrue(e > -1_050_000_000L && e < 0, "ahead: " + e);
        }
        for (long e : behind) {
            assertTrue(e > 150_000_000L, "behind: " + e);
        }
    }

    @Test
    void drawnClocksStayWithinTheirLimitsAndRepeatForASeed() {
        List<FireBaselines.DeviceClock> a = FireBaselines.drawClocks(50, 2_000_000_000L, 20, 3);
        assertEquals(a, FireBaselines.drawClocks(50, 2_000_000_000L, 20, 3));
        for (FireBaselines.DeviceClock c : a) {
            assertTrue(Math.abs(c.offsetNanos()) <= 2_000_000_000L && Math.abs(c.driftPpm()) <= 20, c.toString());
        }
    }
}
