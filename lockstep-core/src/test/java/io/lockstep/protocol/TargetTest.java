package io.lockstep.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void parsesSchemesAndDefaults() {
        assertEquals(new Target(io.lockstep.internal.protocol.EchoProtocol.INSTANCE, "127.0.0.1", 4242, "echo://127.0.0.1:4242"),
                Target.parse("echo://127.0.0.1:4242"));
        assertEquals(123, Target.parse("ntp://time.local").port());
        assertEquals(8080, Target.parse("neon://192.0.2.7").port());
        Target v6 = Target.parse("ntp://[::1]:1123");
        assertEquals("::1", v6.host());
        assertEquals(1123, v6.port());
    }

    @Test
    void rejectsWhatItCannotMeasure() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://host")).getMessage()
                .contains("needs a port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("http://host:80")).getMessage()
                .contains("unknown scheme"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("host:80"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://:80"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://h:99999"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse(""));
    }

    @Test
    void everyConstructionPathValidates() {
        Protocol ntp = io.lockstep.internal.protocol.NtpProtocol.INSTANCE;
        assertThrows(IllegalArgumentException.class, () -> new Target(null, "h", 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Target(ntp, "", 123, "ntp://"));
        assertThrows(IllegalArgumentException.class, () -> new Target(ntp, "h/x", 123, null));
        assertThrows(IllegalArgumentException.class, () -> new Target(ntp, "h", 0, null));
        assertThrows(IllegalArgumentException.class, () -> Target.of(ntp, "h", 65536));
        assertEquals("ntp://[::1]:123", Target.of(ntp, "::1", 123).text());
        assertEquals("[::1]:123", Target.of(ntp, "::1", 123).authority());
        assertEquals("ntp", Target.of(ntp, "h", 1).scheme());
    }

    @Test
    void malformedPortsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://127.0.0.1:abc")).getMessage()
                .contains("port 'abc'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://127.0.0.1:-5")).getMessage()
                .contains("port '-5'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("neon://127.0.0.1:")).getMessage()
                .contains("empty port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://::1:5")).getMessage()
                .contains("brackets"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://[::1")).getMessage()
                .contains("]"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("echo://u@h:1"));
        assertEquals(4242, Target.parse("echo://h:4242/").port());
    }
}
