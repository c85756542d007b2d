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
    void clientsAreLimitedSeparately() throws Exception {
        RateLimitTable t = new RateLimitTable(1, 1, 16);
        InetAddress a = InetAddress.getByName("2001:db8::1");
        InetAddress b = InetAddress.getByName("2001:db8::2");
        assertEquals(RateLimitTable.Verdict.ANSWER, t.check(a, 0));
        assertEquals(RateLimitTable.Verdict.ANSWER, t.check(b, 0));
        assertEquals(RateLimitTable.Verdict.KISS, t.check(a, 1));
        assertEquals(RateLimitTable.Verdict.DROP, t.check(a, 2));
    }

    /**
     * A flood from a million spoofed addresses through a 16-slot table: the table cannot grow
     * (its arrays are fixed), so what matters is that the flood never makes the limiter stricter
     * towards an honest client, and that limiting still works once the flood is over.
     */
    @Test
    void aSpoofedFloodNeverSilencesAnHonestClient() throws Exception {
        RateLimitTable t = new RateLimitTable(10, 4, 16);
        InetAddress honest = InetAddress.getByName("192.0.2.77");
        long now = 0;
        int honestAnswered = 0;
        for (int i = 0; i < 1_000_000; i++) {
            now += 1_000;  // the flood: 1 M requests/s from ever-new addresses
            byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            t.check(InetAddress.getByAddress(ip), now);
            if (i % 200_000 == 0) {
                // The honest client asks 5 times a second, within its 10/s.
                assertEquals(RateLimitTable.Verdict.ANSWER, t.check(honest, now), "honest request at flood step " + i);
                honestAnswered++;
            }
        }
        assertEquals(5, honestAnswered);
        assertEquals(16, t.slots());
        InetAddress fresh = InetAddress.getByName("192.0.2.78");
        for (int i = 0; i < 4; i++) {
            assertEquals(RateLimitTable.Verdict.ANSWER, t.check(fresh, now));
        }
        assertEquals(RateLimitTable.Verdict.KISS, t.check(fresh, now), "limiting still works after the flood");
    }
}
