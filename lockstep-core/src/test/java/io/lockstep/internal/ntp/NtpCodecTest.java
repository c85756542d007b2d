package io.lockstep.internal.ntp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class NtpCodecTest {

    /** One line of the chronyd fixture file. */
    private record Exchange(String name, byte[] request, byte[] reply) {
    }

    private static List<Exchange> chronydFixtures() throws IOException {
        List<Exchange> out = new ArrayList<>();
        try (InputStream in = NtpCodecTest.class.getResourceAsStream("/ntp/chronyd-4.3-exchanges.txt")) {
            assertTrue(in != null, "fixture file missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                out.add(new Exchange(f[0], HexFormat.of().parseHex(f[1]),
                        f[2].equals("-") ? null : HexFormat.of().parseHex(f[2])));
            }
        }
        return out;
    }

    private static NtpPacket randomPacket(SplittableRandom r) {
        return new NtpPacket(r.nextInt(4), r.nextInt(8), r.nextInt(8), r.nextInt(256), r.nextInt(-128, 128),
                r.nextInt(-128, 128), new NtpShort(r.nextInt()), new NtpShort(r.nextInt()), r.nextInt(),
                new NtpTimestamp(r.nextLong()), new NtpTimestamp(r.nextLong()), new NtpTimestamp(r.nextLong()),
                new NtpTimestamp(r.nextLong()));
    }

    @Test
    void chronydRepliesDecodeAsItsLocalReference() throws Exception {
        List<Exchange> fixtures = chronydFixtures();
        assertTrue(fixtures.size() >= 3);
        long captured = Instant.parse("2026-11-22T00:00:00Z").getEpochSecond() * 1_000_000_000L;
        for (Exchange e : fixtures) {
            NtpPacket req = NtpCodec.decode(e.request());
            assertEquals(NtpPacket.MODE_CLIENT, req.mode(), e.name());
            if (e.reply() == null) {
                continue;
            }
            NtpPacket rep = NtpCodec.decode(e.reply());
            assertEquals(NtpPacket.MODE_SERVER, rep.mode(), e.name());
            assertEquals(req.version(), rep.version(), e.name() + ": reply in the request's version");
            assertEquals(8, rep.stratum(), e.name());
            assertEquals(-26, rep.precision(), e.name());
            assertEquals(0x7F7F0101, rep.referenceId(), e.name() + ": chrony's local reference 127.127.1.1");
            assertEquals(req.transmitTimestamp(), rep.originTimestamp(), e.name() + ": origin echoes transmit");
            assertFalse(rep.isKissOfDeath());
            assertNull(rep.kissCode());
            long rx = rep.receiveTimestamp().toWallNanos(captured);
            long tx = rep.transmitTimestamp().toWallNanos(captured);
            assertTrue(tx >= rx && tx - rx < 1_000_000L, e.name() + ": server processing under 1 ms");
            assertTrue(Math.abs(rx - captured) < 86_400_000_000_000L, e.name() + ": captured on 2026-11-22");
            // Re-encoding gives the same bytes: nothing in the header is lost.
            assertArrayEquals(e.reply(), NtpCodec.encode(rep), e.name());
        }
    }

    @Test
    void requestWithExtensionFieldIsSkippedSafely() throws Exception {
        Exchange ef = chronydFixtures().stream().filter(e -> e.name().equals("ef")).findFirst().orElseThrow();
        ByteBuffer b = ByteBuffer.wrap(ef.request());
        NtpPacket p = NtpCodec.decode(b);
        assertEquals(4, p.version());
        assertEquals(ef.request().length, b.position(), "the whole datagram is consumed");
    }

    @Test
    void encodeDecodeRoundTripsEveryField() throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        ByteBuffer buf = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 100_000; i++) {
            NtpPacket p = randomPacket(r);
            buf.clear();
            NtpCodec.encode(p, buf);
            assertEquals(48, buf.position());
            buf.flip();
            assertEquals(p, NtpCodec.decode(buf));
        }
    }

    @Test
    void macsAndExtensionFieldsAfterTheHeaderAreSkipped() throws Exception {
        byte[] header = NtpCodec.encode(NtpPacket.clientRequest(4, 6, NtpTimestamp.fromWallNanos(1)));
        for (int trailer : new int[] {0, 4, 20, 24}) {
            assertEquals(4, NtpCodec.decode(concat(header, new byte[trailer])).version(), "trailer " + trailer);
        }
        byte[] ef28 = extension(28);
        assertEquals(6, NtpCodec.decode(concat(header, ef28)).poll());
        assertEquals(6, NtpCodec.decode(concat(header, extension(16), new byte[24])).poll(), "EF then MAC");
        assertEquals(6, NtpCodec.decode(concat(header, extension(32), extension(16), new byte[20])).poll());
        assertEquals(6, NtpCodec.decode(concat(header, extension(16))).poll());
    }

    @Test
    void malformedTrailersAndShortPacketsAreDecodeErrors() {
        byte[] header = NtpCodec.encode(NtpPacket.clientRequest(4, 6, NtpTimestamp.fromWallNanos(1)));
        assertThrows(NtpDecodeException.class, () -> NtpCodec.decode(new byte[47]));
        assertThrows(NtpDecodeException.class, () -> NtpCodec.decode(new byte[0]));
        for (int trailer : new int[] {1, 3, 8, 12, 16, 19, 21, 28, 40}) {
            assertThrows(NtpDecodeException.class, () -> NtpCodec.decode(concat(header, new byte[trailer])),
                    "zero-filled trailer " + trailer);
        }
        byte[] overrun = extension(28);
        overrun[3] = 64;
        assertThrows(NtpDecodeException.class, () -> NtpCodec.decode(concat(header, overrun)));
        byte[] odd = extension(28);
        odd[3] = 30;
        assertThrows(NtpDecodeException.class, () -> NtpCodec.decode(concat(header, odd)));
    }

    @Test
    void randomBytesNeverThrowAnythingButADecodeError() {
        SplittableRandom r = new SplittableRandom(99);
        int decoded = 0;
        for (int i = 0; i < 300_000; i++) {
            int len = r.nextInt(8) == 0 ? r.nextInt(200) : 48 + 4 * r.nextInt(20);
            byte[] b = new byte[len];
            r.nextBytes(b);
            if (len > 51 && r.nextBoolean()) {
                // Make plausible extension field headers more common than pure noise would.
                b[50] = 0;
                b[51] = (byte) (16 + 4 * r.nextInt(4));
            }
            try {
                ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
                NtpCodec.decode(buf);
                decoded++;
                assertEquals(len, buf.position());
            } catch (NtpDecodeException expected) {
                // defined error
            } catch (RuntimeException e) {
                fail("decode threw " + e + " for " + HexFormat.of().formatHex(b));
            }
        }
        assertTrue(decoded > 1000, "some random datagrams are valid: " + decoded);
    }

    @Test
    void kissOfDeathCarriesItsAsciiCode() throws Exception {
        NtpPacket kod = new NtpPacket(NtpPacket.LEAP_UNSYNCHRONIZED, 4, NtpPacket.MODE_SERVER, 0, 0, 0,
                NtpShort.ZERO, NtpShort.ZERO, NtpPacket.referenceIdOf("RATE"), NtpTimestamp.ZERO,
                NtpTimestamp.of(1, 2), NtpTimestamp.ZERO, NtpTimestamp.ZERO);
        NtpPacket back = NtpCodec.decode(NtpCodec.encode(kod));
        assertTrue(back.isKissOfDeath());
        assertEquals("RATE", back.kissCode());
        assertEquals(0x52415445, back.referenceId());
    }

    @Test
    void decodeHonoursPositionAndLimit() throws Exception {
        byte[] header = NtpCodec.encode(NtpPacket.clientRequest(3, 0, NtpTimestamp.of(5, 6)));
        ByteBuffer b = ByteBuffer.allocate(100);
        b.position(10);
        b.put(header);
        b.flip().position(10);
        NtpPacket p = NtpCodec.decode(b);
        assertEquals(3, p.version());
        assertEquals(NtpTimestamp.of(5, 6), p.transmitTimestamp());
    }

    private static byte[] extension(int length) {
        byte[] f = new byte[length];
        f[0] = 0x01;
        f[1] = 0x04;
        f[2] = (byte) (length >>> 8);
        f[3] = (byte) length;
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
