package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayGuardTest {

    @Test
    void idsAreRememberedUntilTheyExpireAndMemoryIsBounded() throws Exception {
        ReplayGuard g = new ReplayGuard(3);
        g.admit("a", 100, 0);
        g.admit("b", 200, 0);
        g.admit("c", 300, 0);
        assertEquals(Refusal.REPLAY, assertThrows(TriggerRefusedException.class, () -> g.admit("a", 100, 50)).refusal());
        // Full of unexpired ids: a new one is refused rather than an old one forgotten.
        TriggerRefusedException full = assertThrows(TriggerRefusedException.class, () -> g.admit("d", 400, 50));
        assertEquals(Refusal.TOO_MANY, full.refusal());
        assertTrue(g.seen("a", 100));
        // Once "a" has expired it is dropped, and there is room again.
        assertFalse(g.seen("a", 101));
        g.admit("d", 400, 101);
        assertEquals(3, g.size(101));
        assertEquals(0, g.size(401));
    }

    @Test
    void aReferenceClockSteppedBackDoesNotReviveAForgottenTrigger() throws Exception {
        ReplayGuard g = new ReplayGuard(3);
        g.admit("a", 100, 50);
        // The reference passes the expiry: "a" is forgotten...
        assertEquals(90, g.expiryClockNanos(90));
        assertEquals(0, g.size(150));
        // ...then steps back (a spoofed or corrected reference). Expiry is judged by the latest
        // reference time seen, so the captured trigger is still expired, not new again.
        assertEquals(150, g.expiryClockNanos(80));
        assertTrue(100 < g.expiryClockNanos(80));
        assertFalse(g.seen("a", 80));
    }
}
