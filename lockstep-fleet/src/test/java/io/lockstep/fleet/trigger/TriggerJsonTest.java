package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TriggerJsonTest {

    private static final FleetKey KEY = FleetKey.of(new byte[32]);

    @Test
    void signedTriggerSurvivesTheWireAndStillVerifies() throws Exception {
        Trigger t = Trigger.create("blink", 1_700_000_000_123_456_789L, 1_700_000_000_123_456_789L,
                1_000_000_000L, 5, 2_000_000L).signedWith(KEY);
        String json = "{\"id\":\"" + t.id() + "\",\"action\":\"blink\",\"at_ns\":1700000000123456789,"
                + "\"expires_ns\":1700000000123456789,\"every_ns\":1000000000,\"count\":5,\"max_bound_ns\":2000000,"
                + "\"signature\":\"" + t.signature() + "\"}";
        Trigger back = TriggerJson.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(t, back);
        assertTrue(KEY.verify(back.canonical(), back.signature()));
        assertEquals(1_700_000_004_123_456_789L, back.lastInstantNanos());
    }

    @Test
    void everySignedFieldChangesTheSignature() {
        Trigger t = new Trigger("id1", "blink", 10, 20, 0, 1, 0, null);
        String sig = KEY.sign(t.canonical());
        for (Trigger other : new Trigger[] {
                new Trigger("id2", "blink", 10, 20, 0, 1, 0, null),
                new Trigger("id1", "blinq", 10, 20, 0, 1, 0, null),
                new Trigger("id1", "blink", 11, 20, 0, 1, 0, null),
                new Trigger("id1", "blink", 10, 21, 0, 1, 0, null),
                new Trigger("id1", "blink", 10, 20, 1, 1, 0, null),
                new Trigger("id1", "blink", 10, 20, 1, 2, 0, null),
                new Trigger("id1", "blink", 10, 20, 0, 1, 1, null)}) {
            assertFalse(KEY.verify(other.canonical(), sig), other.toString());
            assertNotEquals(sig, KEY.sign(other.canonical()));
        }
    }

    @Test
    void malformedBodiesAreRefusedWithTheReason() {
        assertMalformed("not JSON", "hello");
        assertMalformed("a trigger is a JSON object", "[1]");
        assertMalformed("unknown field 'command'", "{\"id\":\"a\",\"action\":\"b\",\"command\":\"rm -rf /\"}");
        assertMalformed("'at_ns' must be an integer", "{\"at_ns\":1.5}");
        assertMalformed("a trigger needs id, action, at_ns and expires_ns", "{\"id\":\"a\",\"action\":\"b\"}");
        assertMalformed("is not a trigger id", "{\"id\":\"a b\",\"action\":\"b\",\"at_ns\":1,\"expires_ns\":1}");
        assertMalformed("is not an action name", "{\"id\":\"a\",\"action\":\"../x\",\"at_ns\":1,\"expires_ns\":1}");
        assertMalformed("needs a period", "{\"id\":\"a\",\"action\":\"b\",\"at_ns\":1,\"expires_ns\":1,\"count\":3}");
        assertMalformed("out of range", "{\"at_ns\":100000000000000000000000}");
    }

    private static void assertMalformed(String part, String body) {
        TriggerRefusedException e = assertThrows(TriggerRefusedException.class,
                () -> TriggerJson.parse(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Refusal.MALFORMED, e.refusal());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
