package io.lockstep.internal.ntp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the NTP codec (Jazzer). Under {@code mvn verify} each target runs
 * once per input committed under {@code src/test/resources/io/lockstep/internal/ntp/NtpCodecFuzzTestInputs/};
 * with {@code JAZZER_FUZZ=1} (the {@code fuzz} profile) Jazzer mutates them. The timeout is per
 * input: a hang is a finding.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NtpCodecFuzzTest {

    /**
     * Any datagram: the decoder throws {@link NtpDecodeException} or nothing (its documented
     * contract), {@code check} agrees with it, and what it accepts re-encodes to the same 48
     * header bytes and decodes back to the same packet.
     */
    @FuzzTest
    void decodeAnyDatagram(byte[] datagram) {
        boolean checked;
        try {
            NtpCodec.check(ByteBuffer.wrap(datagram));
            checked = true;
        } catch (NtpDecodeException e) {
            checked = false;
        }
        // Decode from the middle of a larger buffer: offsets must be relative to the position.
        ByteBuffer framed = ByteBuffer.allocate(datagram.length + 7);
        framed.position(3);
        framed.put(datagram).flip().position(3);
        NtpPacket p;
        try {
            p = NtpCodec.decode(framed);
        } catch (NtpDecodeException e) {
            if (checked) {
                fail("check accepted what decode rejects: " + e.getMessage());
            }
            return;
        }
        if (!checked) {
            fail("decode accepted what check rejects");
        }
        assertEquals(framed.limit(), framed.position(), "decode consumes the datagram");
        byte[] header = NtpCodec.encode(p);
        assertArrayEquals(Arrays.copyOf(datagram, NtpPacket.HEADER_BYTES), header, "header re-encodes byte for byte");
        try {
            assertEquals(p, NtpCodec.decode(header));
        } catch (NtpDecodeException e) {
            fail("a re-encoded header does not decode: " + e.getMessage());
        }
    }

    /** Any packet the record allows encodes and decodes back to itself. */
    @FuzzTest
    void encodeAnyPacket(FuzzedDataProvider data) throws NtpDecodeException {
        NtpPacket p = new NtpPacket(data.consumeInt(0, 3), data.consumeInt(0, 7), data.consumeInt(0, 7),
                data.consumeInt(0, 255), data.consumeInt(-128, 127), data.consumeInt(-128, 127),
                new NtpShort(data.consumeInt()), new NtpShort(data.consumeInt()), data.consumeInt(),
                new NtpTimestamp(data.consumeLong()), new NtpTimestamp(data.consumeLong()),
                new NtpTimestamp(data.consumeLong()), new NtpTimestamp(data.consumeLong()));
        assertEquals(p, NtpCodec.decode(NtpCodec.encode(p)));
    }
}
