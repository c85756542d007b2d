package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class RateLimitTableTest {

    @Test
    void burstThenKissThenSilenceUntilTheClientBacksOff() throws Exception {
        RateLimitTable t = new RateLimitTable(10, 4, 64);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        long now = 1_000;
        for (int i = 0; i < 4; i++) {
            assertEquals(RateLimitTable.Verdict.ANSWER, t.check(a, now));
        }
        assertEquals(RateLimitTable.Verdict.KISS, t.check(a, now));
        for (int i = 0; i < 100; i++) {
            // Flooding at 1000/s keeps it silenced: each request costs a token it does not have.
            now += 1_000_000;
            assertEquals(RateLimitTable.Verdict.DROP, t.check(a, now));
        }
        // Backing off for a second earns enough tokens back.
        now += 1_000_000_000L;
        assertEquals(RateLimitTable.Verdict.ANSWER, t.check(a, now));
    }

    @Test
    void clientsAreLimitedSeparatelyAndTheTableStaysBounded() throws Exception {
        RateLimitTable t = new RateLimitTable(1, 1, 16);
        assertEquals(16, t.slots());
        InetAddress a = InetAddress.getByName("2001:db8::1");
        InetAddress b = InetAddress.getByName("2001:db8::2");
        assertEquals(RateLimitTable.Verdict.ANSWER, t.check(a, 0));
        assertEquals(RateLimitTable.Verdict.ANSWER, t.check(b, 0));
        assertEquals(RateLimitTable.Verdict.KISS, t.check(a, 1));
        // A million distinct clients cannot grow the table; they only evict each other.
        for (int i = 0; i < 1_000_000; i++) {
            byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            t.check(InetAddress.getByAddress(ip), 2 + i);
        }
        assertEquals(16, t.slots());
    }
}
