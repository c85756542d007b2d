package io.lockstep.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.lockstep.net.StampedDatagramSocket;

/** The socket itself, below the NTP server: stamps, addresses, non-blocking polls, errors, and the pure parsers. */
class LinuxStampedSocketTest {

    /** CLOCK_REALTIME, the clock the kernel stamps with, as Java reads it (ns resolution on Linux). */
    private static long hostRealtimeNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static void assumeSupported() {
        assumeTrue(LinuxTimestampingTransport.unsupportedReason(System.getProperty("os.name"),
                System.getProperty("os.arch")) == null, "64-bit Linux only");
    }

    /**
     * A reply to the sender just received goes out to the kernel's own sockaddr; any other
     * destination (an earlier sender, an equal but new address object) must still be encoded
     * and reach its own client, never the last sender.
     */
    @Test
    void repliesReachTheirOwnClientWhicheverSenderCameLast() throws Exception {
        assumeSupported();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (StampedDatagramSocket socket = new LinuxTimestampingTransport().bind(new InetSocketAddress(lo, 0), 1 << 16);
             StampedDatagramSocket.Worker worker = socket.newWorker();
             DatagramSocket a = new DatagramSocket(new InetSocketAddress(lo, 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            a.setSoTimeout(2000);
            b.setSoTimeout(2000);
            ByteBuffer rx = ByteBuffer.allocateDirect(64);
            a.send(new DatagramPacket(new byte[] {1}, 1, socket.localAddress()));
            rx.clear();
            InetSocketAddress fromA = worker.receive(rx, true);
            b.send(new DatagramPacket(new byte[] {2}, 1, socket.localAddress()));
            rx.clear();
            InetSocketAddress fromB = worker.receive(rx, true);
            assertEquals(a.getLocalPort(), fromA.getPort());
            assertEquals(b.getLocalPort(), fromB.getPort());
            ByteBuffer tx = ByteBuffer.allocateDirect(8);
            for (InetSocketAddress to : new InetSocketAddress[] {fromB, fromA,
                    new InetSocketAddress(lo, b.getLocalPort())}) {
                tx.clear();
                tx.put((byte) to.getPort()).flip();
                assertTrue(worker.send(tx, to));
                DatagramSocket expected = to.getPort() == a.getLocalPort() ? a : b;
                DatagramPacket got = new DatagramPacket(new byte[8], 8);
                expected.receive(got);
                assertEquals((byte) to.getPort(), got.getData()[0]);
            }
        }
    }

    /** The stamp is written into the datagram sent, and a rehearsed send (after idling) sends nothing more. */
    @Test
    void aStampedSendCarriesItsStampAndNothingElseGoesOut() throws Exception {
        assumeSupported();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (StampedDatagramSocket socket = new LinuxTimestampingTransport().bind(new InetSocketAddress(lo, 0), 1 << 16);
             StampedDatagramSocket.Worker worker = socket.newWorker();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            client.setSoTimeout(2000);
            InetSocketAddress to = new InetSocketAddress(lo, client.getLocalPort());
            ByteBuffer tx = ByteBuffer.allocateDirect(8);
            for (int i = 1; i <= 3; i++) {
                // Idle longer than the rehearsal threshold before each send.
                Thread.sleep(2 * LinuxStampedSocket.REHEARSE_AFTER_IDLE_NANOS / 1_000_000 + 1);
                tx.clear();
                tx.put((byte) 0).flip();
                byte mark = (byte) i;
                assertTrue(worker.send(tx, to, b -> b.put(0, mark)));
                DatagramPacket got = new DatagramPacket(new byte[8], 8);
                client.receive(got);
                assertEquals(1, got.getLength());
                assertEquals(mark, got.getData()[0]);
            }
            client.setSoTimeout(100);
            assertThrows(java.net.SocketTimeoutException.class, () -> client.receive(new DatagramPacket(new byte[8], 8)));
        }
    }

    @Test
    void aDatagramArrivesWithAKernelStampBetweenItsSendAndItsReceive() throws Exception {
        assumeSupported();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (StampedDatagramSocket socket = new LinuxTimestampingTransport().bind(new InetSocketAddress(lo, 0), 1 << 16);
             StampedDatagramSocket.Worker worker = socket.newWorker();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            assertTrue(socket.localAddress().getPort() > 0);
            ByteBuffer rx = ByteBuffer.allocateDirect(64);
            // Nothing queued: a non-blocking poll returns null (EAGAIN is read from errno, not thrown).
            assertNull(worker.receive(rx, false));
            assertEquals(StampedDatagramSocket.NO_STAMP, worker.receiveRealtimeNanos());
            byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
            long beforeSend = hostRealtimeNanos();
            client.send(new DatagramPacket(payload, payload.length, socket.localAddress()));
            InetSocketAddress from = worker.receive(rx, true);
            long afterReceive = hostRealtimeNanos();
            assertNotNull(from);
            assertEquals(client.getLocalPort(), from.getPort());
            assertInstanceOf(Inet4Address.class, from.getAddress());
            assertEquals(5, rx.position());
            rx.flip();
            byte[] got = new byte[rx.remaining()];
            rx.get(got);
            assertEquals("hello", new String(got, StandardCharsets.US_ASCII));
            long stamp = worker.receiveRealtimeNanos();
            assertTrue(stamp >= beforeSend && stamp <= afterReceive,
                    "stamp " + (stamp - beforeSend) + " ns after send, receive took " + (afterReceive - beforeSend));

            // And back: send from the worker to the client.
            ByteBuffer tx = ByteBuffer.allocateDirect(8);
            tx.put((byte) 42).flip();
            assertTrue(worker.send(tx, from));
            assertEquals(1, tx.position());
            DatagramPacket reply = new DatagramPacket(new byte[8], 8);
            client.setSoTimeout(2000);
            client.receive(reply);
            assertEquals(1, reply.getLength());
            assertEquals(42, reply.getData()[0]);
        }
    }

    @Test
    void heapBuffersAreRefusedAndAClosedSocketReportsErrors() throws Exception {
        assumeSupported();
        StampedDatagramSocket socket = new LinuxTimestampingTransport()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1 << 16);
        StampedDatagramSocket.Worker worker = socket.newWorker();
        assertThrows(IllegalArgumentException.class, () -> worker.receive(ByteBuffer.allocate(16), false));
        socket.close();
        socket.close(); // idempotent
        assertThrows(java.io.IOException.class, () -> worker.receive(ByteBuffer.allocateDirect(16), false));
        worker.close();
        worker.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> worker.receive(ByteBuffer.allocateDirect(16), false));
        assertThrows(IllegalStateException.class, socket::newWorker);
    }

    @Test
    void otherPlatformsAreRefusedWithAReason() {
        assertNull(LinuxTimestampingTransport.unsupportedReason("Linux", "amd64"));
        assertTrue(LinuxTimestampingTransport.unsupportedReason("Mac OS X", "aarch64").contains("Linux only"));
        assertTrue(LinuxTimestampingTransport.unsupportedReason("Linux", "arm").contains("64-bit"));
    }

    @Test
    void controlMessagesAreParsedWithinTheirBoundsOnly() {
        ByteBuffer b = ByteBuffer.allocate(96).order(ByteOrder.nativeOrder());
        // An unrelated message (level 0, type 7, 4 data bytes -> padded to 24), then the timestamp.
        b.putLong(0, 20).putInt(8, 0).putInt(12, 7);
        b.putLong(24, 32).putInt(32, Libc.SOL_SOCKET).putInt(36, Libc.SCM_TIMESTAMPNS);
        b.putLong(40, 1_700_000_000L).putLong(48, 123_456_789L);
        assertEquals(1_700_000_000_123_456_789L, ControlMessages.timestampNanos(b, 0, 56));
        // Cut short (as with MSG_CTRUNC): no stamp, and nothing read beyond the reported length.
        assertEquals(StampedDatagramSocket.NO_STAMP, ControlMessages.timestampNanos(b, 0, 50));
        assertEquals(StampedDatagramSocket.NO_STAMP, ControlMessages.timestampNanos(b, 0, 0));
        // A nonsense nanosecond field or header length.
        b.putLong(48, 1_000_000_000L);
        assertEquals(StampedDatagramSocket.NO_STAMP, ControlMessages.timestampNanos(b, 0, 56));
        b.putLong(0, 3);
        assertEquals(StampedDatagramSocket.NO_STAMP, ControlMessages.timestampNanos(b, 0, 56));
    }

    @Test
    void socketAddressesRoundTripIncludingIpv4MappedOnIpv6() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(SocketAddresses.STORAGE_BYTES).order(ByteOrder.nativeOrder());
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 12345);
        assertEquals(SocketAddresses.IN4_BYTES, SocketAddresses.encode(b, 0, Libc.AF_INET, v4));
        assertEquals(0x30, b.get(2) & 0xFF); // port 12345 = 0x3039, network order
        assertEquals(0x39, b.get(3) & 0xFF);
        assertEquals(v4, SocketAddresses.decode(b, 0, SocketAddresses.IN4_BYTES));

        // An IPv4 peer of a dual-stack socket: sent as ::ffff:192.0.2.7, read back as plain IPv4.
        assertEquals(SocketAddresses.IN6_BYTES, SocketAddresses.encode(b, 0, Libc.AF_INET6, v4));
        assertEquals(0xFF, b.get(18) & 0xFF);
        assertEquals(0xFF, b.get(19) & 0xFF);
        assertEquals(v4, SocketAddresses.decode(b, 0, SocketAddresses.IN6_BYTES));

        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 123);
        assertEquals(SocketAddresses.IN6_BYTES, SocketAddresses.encode(b, 0, Libc.AF_INET6, v6));
        assertEquals(v6, SocketAddresses.decode(b, 0, SocketAddresses.IN6_BYTES));
        assertThrows(java.io.IOException.class, () -> SocketAddresses.encode(b, 0, Libc.AF_INET, v6));
        assertNull(SocketAddresses.decode(b, 0, 1));
    }
}
