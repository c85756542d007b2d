package io.lockstep.internal.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class EchoCodecTest {

    @Test
    void requestIsBigEndianUint64Milliseconds() {
        ByteBuffer b = ByteBuffer.allocate(8);
        EchoCodec.writeRequest(b, 1_700_000_000_123L);
        assertArrayEquals(HexFormat.of().parseHex("0000018bcfe5687b"), b.array());
    }

    @Test
    void replyIsEchoThenServerTime() {
        ByteBuffer b = ByteBuffer.allocate(16);
        EchoCodec.writeReply(b, 1L, 0x0102030405060708L);
        assertArrayEquals(HexFormat.of().parseHex("00000000000000010102030405060708"), b.array());
        b.flip();
        assertEquals(new EchoReply(1L, 0x0102030405060708L), EchoCodec.readReply(b));
    }

    @Test
    void partialFramesAreLeftInTheBuffer() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0});
        long[] out = new long[1];
        assertFalse(EchoCodec.readRequest(b, out));
        assertEquals(0, b.position());
        assertNull(EchoCodec.readReply(ByteBuffer.allocate(15)));
    }

    @Test
    void echoesAnyBitPatternUnchanged() {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex("ffffffffffffffff"));
        long[] out = new long[1];
        assertTrue(EchoCodec.readRequest(b, out));
        ByteBuffer reply = ByteBuffer.allocate(16);
        EchoCodec.writeReply(reply, out[0], 5);
        assertEquals("ffffffffffffffff0000000000000005", HexFormat.of().formatHex(reply.array()));
    }

    @Test
    void millisecondsTruncateTowardMinusInfinity() {
        assertEquals(1_999L, EchoCodec.toMillis(1_999_999_999L));
        assertEquals(-1L, EchoCodec.toMillis(-1L));
    }
}
