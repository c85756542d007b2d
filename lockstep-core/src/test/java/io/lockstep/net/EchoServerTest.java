package io.lockstep.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.internal.echo.EchoCodec;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/** Loopback integration of the Time Echo server and client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoServerTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void measuresASimulatedOffsetWithinOneMillisecondAndInsideItsBound() throws IOException, InterruptedException {
        SimulatedTimeSource device = new SimulatedTimeSource(TimeSource.system(), 137_500_000L, 20.0);
        try (EchoServer server = EchoServer.start(device, ANY_LOOPBACK)) {
            Target target = Target.parse("echo://127.0.0.1:" + server.port());
            OffsetEstimate e = new OffsetMeter().measure(target, 100, Progress.NONE);
            long truth = -device.aheadOfReferenceNanos();
            assertEquals(truth, e.offsetNanos(), 1_000_000, e.toString());
            assertTrue(Math.abs(e.offsetNanos() - truth) <= e.errorBoundNanos(), e + " truth " + truth);
            assertEquals(100, e.samples());
            assertEquals(0, e.dropped());
            assertEquals(-137.5, e.offsetMs().mean(), 2.0);
            // The server counts an exchange after writing its reply, so the client can hold the last
            // reply before the count moves: wait for it, with a deadline.
            waitFor(() -> server.exchanges() >= 101);
            assertTrue(server.exchanges() >= 101, "warm-up plus samples: " + server.exchanges());
        }
    }

    @Test
    void twoHundredConcurrentClients() throws Exception {
        try (EchoServer server = EchoServer.start(TimeSource.system(), ANY_LOOPBACK)) {
            int clients = 220;
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket();
                    // Hundreds of clients are hundreds of devices: 20 per loopback address, under the per-address cap.
                    s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 3, (byte) (1 + i / 20)}), 0));
                    s.connect(server.address(), 2_000);
                    s.setSoTimeout(5_000);
                    sockets.add(s);
                }
                ExecutorService pool = Executors.newFixedThreadPool(16);
                try {
                    List<Future<Integer>> results = new ArrayList<>();
                    for (Socket s : sockets) {
                        results.add(pool.submit(() -> exchange(s, 20)));
                    }
                    for (Future<Integer> f : results) {
                        assertEquals(20, f.get(30, TimeUnit.SECONDS));
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertEquals(clients, server.openConnections());
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            waitFor(() -> server.openConnections() == 0);
            assertEquals(clients * 20L, server.exchanges());
        }
    }

    @Test
    void survivesGarbageHalfFramesAndAbruptDisconnects() throws Exception {
        int threadsBefore = Thread.activeCount();
        try (EchoServer server = EchoServer.start(TimeSource.system(), ANY_LOOPBACK)) {
            for (int i = 0; i < 100; i++) {
                try (Socket s = new Socket()) {
                    s.connect(server.address(), 2_000);
                    OutputStream out = s.getOutputStream();
                    out.write(new byte[] {1, 2, 3}); // half a frame, then gone
                    if (i % 2 == 0) {
                        s.setSoLinger(true, 0);       // RST instead of FIN
                    }
                }
            }
            // A request delivered one byte at a time is still answered, byte-exact.
            try (Socket s = new Socket()) {
                s.connect(server.address(), 2_000);
                s.setSoTimeout(5_000);
                s.setTcpNoDelay(true);
                byte[] req = ByteBuffer.allocate(8).putLong(0x1122334455667788L).array();
                for (byte b : req) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    Thread.sleep(2);
                }
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertEquals(0x1122334455667788L, in.readLong());
                long serverMs = in.readLong();
                assertEquals(System.currentTimeMillis(), serverMs, 5_000);
            }
            // 64 KiB of random garbage is just 8192 requests: all echoed.
            try (Socket s = new Socket()) {
                s.connect(server.address(), 2_000);
                s.setSoTimeout(10_000);
                byte[] junk = new byte[64 * 1024];
                new java.util.Random(1).nextBytes(junk);
                Thread writer = new Thread(() -> {
                    try {
                        s.getOutputStream().write(junk);
                    } catch (IOException ignored) {
                        // The reader's assertions report problems.
                    }
                });
                writer.start();
                DataInputStream in = new DataInputStream(s.getInputStream());
                ByteBuffer expect = ByteBuffer.wrap(junk);
                for (int i = 0; i < junk.length / 8; i++) {
                    assertEquals(expect.getLong(), in.readLong());
                    in.readLong();
                }
                writer.join();
            }
            waitFor(() -> server.openConnections() == 0);
            assertEquals(0, server.openConnections());
            // Still serving honest clients.
            OffsetEstimate e = new OffsetMeter().measure(Target.parse("echo://127.0.0.1:" + server.port()), 10, Progress.NONE);
            assertEquals(10, e.samples());
        }
        assertTrue(Thread.activeCount() <= threadsBefore + 1, "no leaked threads");
    }

    @Test
    void capsConnectionsByEvictingTheOldestSilentOnesAndClosesIdleOnes() throws Exception {
        try (EchoServer server = EchoServer.start(TimeSource.system(), ANY_LOOPBACK,
                new EchoServer.Options(3, 3, 300_000_000L, 10_000_000_000L))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket s = new Socket();
                    s.connect(server.address(), 2_000);
                    s.setSoTimeout(3_000);
                    sockets.add(s);
                    // One at a time, so "oldest" is well defined.
                    int accepted = i + 1;
                    waitFor(() -> server.acceptedConnections() == accepted);
                }
                assertEquals(2, server.evictedConnections());
                assertEquals(3, server.openConnections());
                assertEquals(-1, sockets.get(0).getInputStream().read(), "the oldest silent connection gave way");
                // Idle for longer than 300 ms: the server closes the served connections.
                waitFor(() -> server.idleClosedConnections() == 3);
                assertEquals(3, server.idleClosedConnections());
                assertEquals(-1, sockets.get(4).getInputStream().read(), "idle connection closed by the server");
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static int exchange(Socket s, int count) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        int ok = 0;
        for (int i = 0; i < count; i++) {
            long v = System.nanoTime();
            ByteBuffer b = ByteBuffer.allocate(EchoCodec.REQUEST_BYTES);
            EchoCodec.writeRequest(b, v);
            out.write(b.array());
            if (in.readLong() == v) {
                ok++;
            }
            in.readLong();
        }
        return ok;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
