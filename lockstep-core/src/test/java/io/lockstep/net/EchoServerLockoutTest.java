package io.lockstep.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * Lock-out attacks on the Time Echo server, scaled down so they run in seconds but with the shape
 * of the reported findings (more attacking connections than the server has slots; a trickle of
 * bytes faster than the idle timeout), each with a real {@link OffsetMeter} client over loopback
 * that must still get its estimate. Attackers connect from other loopback addresses
 * (127.0.0.2 and up, which Linux routes to {@code lo}) so the per-address cap applies to them
 * and not to the honest client on 127.0.0.1. Each attack test prints what the honest client saw;
 * docs/reliability/lockout.md's table quotes it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EchoServerLockoutTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /**
     * How big the attacks are. By default scaled down to run in seconds: a 64-slot table, 8 per
     * address, timeouts in seconds, and about three times as many attacking connections as slots.
     * With {@code -Dlockstep.lockout.full=true} the findings are replayed at their reported size
     * against the default server options (1024 slots, 120 s idle timeout): 2000 idle connections,
     * and 1100 connections sending a byte every 10 s for longer than the idle timeout, with the
     * 100-sample measurement {@code lockstep offset} makes.
     */
    private record Scale(EchoServer.Options floodOptions, EchoServer.Options slowlorisOptions, int floodConnections,
                         int floodAddresses, int slowlorisConnections, int slowlorisAddresses, long trickleMillis,
                         long slowlorisRunMillis, int honestSamples) {
    }

    private static final Scale SCALE = Boolean.getBoolean("lockstep.lockout.full")
            ? new Scale(EchoServer.Options.defaults(), EchoServer.Options.defaults(), 2000, 100, 1100, 110,
                    10_000, 125_000, 100)
            : new Scale(new EchoServer.Options(64, 8, 2_000_000_000L, 1_000_000_000L),
                    new EchoServer.Options(64, 8, 1_000_000_000L, 500_000_000L), 200, 50, 200, 50, 300, 2_500, 20);

    @Test
    void idleFloodFromOneAddressDoesNotLockOutAnHonestClient() throws Exception {
        EchoServer.Options options = SCALE.floodOptions();
        try (EchoServer server = EchoServer.start(TimeSource.system(), LOOPBACK, options);
             Attack attack = new Attack(server.address())) {
            // The finding's shape: about twice the table in idle connections, from one address.
            attack.openIdle(SCALE.floodConnections(), 1);
            waitFor(() -> server.acceptedConnections() >= SCALE.floodConnections());
            assertTrue(server.acceptedConnections() >= SCALE.floodConnections(), "accepted " + server.acceptedConnections());
            assertTrue(server.openConnections() <= options.maxConnectionsPerAddress(),
                    "one address holds at most its cap, not the table: " + server.openConnections());
            report("idle flood, " + SCALE.floodConnections() + " connections from one address", server,
                    honestMeasurement(server));
        }
    }

    @Test
    void idleFloodFromManyAddressesDoesNotLockOutAnHonestClient() throws Exception {
        EchoServer.Options options = SCALE.floodOptions();
        try (EchoServer server = EchoServer.start(TimeSource.system(), LOOPBACK, options);
             Attack attack = new Attack(server.address())) {
            // Every address stays under its cap, so only the table policy can make room.
            attack.openIdle(SCALE.floodConnections(), SCALE.floodAddresses());
            waitFor(() -> server.acceptedConnections() >= SCALE.floodConnections());
            // The attack overfills the table, and only the table policy made room (the attacker closes
            // nothing). The table may hold fewer than its size by now: on a slow machine the first idle
            // connections time out before the last are open, so "exactly full" would be a race.
            assertTrue(server.acceptedConnections() >= SCALE.floodConnections(), "accepted " + server.acceptedConnections());
            assertTrue(server.openConnections() <= options.maxConnections(), "open " + server.openConnections());
            report("idle flood, " + SCALE.floodConnections() + " connections from " + SCALE.floodAddresses()
                    + " addresses", server, honestMeasurement(server));
        }
    }

    @Test
    void slowlorisDoesNotLockOutAnHonestClient() throws Exception {
        // Scaled: idle timeout 1 s and a byte every 300 ms, the finding's "a byte every 10 s beats 120 s".
        EchoServer.Options options = SCALE.slowlorisOptions();
        try (EchoServer server = EchoServer.start(TimeSource.system(), LOOPBACK, options);
             Attack attack = new Attack(server.address())) {
            attack.openIdle(SCALE.slowlorisConnections(), SCALE.slowlorisAddresses());
            attack.trickle(SCALE.trickleMillis());
            waitFor(() -> server.acceptedConnections() >= SCALE.slowlorisConnections());
            // Let the attack run past the idle timeout, as the finding's ran past 120 s.
            Thread.sleep(SCALE.slowlorisRunMillis());
            assertTrue(attack.trickledBytes() > 0, "the attack is running");
            report("slowloris, " + SCALE.slowlorisConnections() + " connections from " + SCALE.slowlorisAddresses()
                    + " addresses, 1 byte / " + SCALE.trickleMillis() + " ms, for "
                    + SCALE.slowlorisRunMillis() / 1000.0 + " s", server, honestMeasurement(server));
        }
    }

    @Test
    void aTrickleOfBytesDoesNotResetTheIdleTimer() throws Exception {
        // Frame deadline far away: only the idle timer can close this connection.
        EchoServer.Options options = new EchoServer.Options(8, 8, 600_000_000L, 30_000_000_000L);
        try (EchoServer server = EchoServer.start(TimeSource.system(), LOOPBACK, options);
             Socket s = new Socket()) {
            s.connect(server.address(), 2_000);
            s.setSoTimeout(150);
            long start = System.nanoTime();
            boolean closedByServer = false;
            // One byte per 150 ms: a request completes only after 1.2 s, twice the idle timeout. Were the
            // timer reset by each byte, the connection would stay open for good; how soon it closes on a
            // busy machine is not the point, so the deadline is generous.
            while (!closedByServer && System.nanoTime() - start < 30_000_000_000L) {
                try {
                    s.getOutputStream().write(0x42);
                    closedByServer = readsEndOfStream(s.getInputStream());
                } catch (IOException e) {
                    closedByServer = true;
                }
            }
            assertTrue(closedByServer, "a trickle of bytes kept the connection open for 30 s past a 0.6 s idle timeout");
        }
    }

    @Test
    void aStartedRequestMustFinishWithinTheFrameDeadline() throws Exception {
        // Idle timeout far away: only the frame deadline can close this connection.
        EchoServer.Options options = new EchoServer.Options(8, 8, 30_000_000_000L, 300_000_000L);
        try (EchoServer server = EchoServer.start(TimeSource.system(), LOOPBACK, options);
             Socket s = new Socket()) {
            s.connect(server.address(), 2_000);
            // Well before the 30 s idle timeout, however slow the machine: only the frame deadline closes it by then.
            s.setSoTimeout(20_000);
            s.getOutputStream().write(new byte[] {1, 2, 3});
            boolean closedByServer;
            try {
                closedByServer = s.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                closedByServer = false;
            }
            assertTrue(closedByServer, "3 bytes of a request sat for 20 s past a 0.3 s frame deadline");
        }
    }

    @Test
    void oneAddressIsCappedByEvictingItsOwnLongestIdleConnection() throws Exception {
        EchoServer.Options options = new EchoServer.Options(64, 4, 30_000_000_000L, 10_000_000_000L);
        try (EchoServer server = EchoServer.start(TimeSource.system(), LOOPBACK, options);
             Attack attack = new Attack(server.address())) {
            attack.openIdle(10, 1);
            waitFor(() -> server.acceptedConnections() >= 10);
            waitFor(() -> server.openConnections() <= 4);
            assertEquals(4, server.openConnections());
            // The first connections opened are the ones that gave way.
            assertTrue(attack.closedByServer(0), "oldest connection evicted");
            assertTrue(!attack.closedByServer(9), "newest connection kept");
        }
    }

    @Test
    void aServerThatClosesAtOnceIsReportedAsLikelyFull() throws Exception {
        for (boolean reset : new boolean[] {false, true}) {
            try (ServerSocket full = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread closer = new Thread(() -> closeEveryConnection(full, reset), "full-server");
                closer.setDaemon(true);
                closer.start();
                IOException e = assertThrows(IOException.class, () -> new OffsetMeter(TimeSource.system(), 1_000_000_000L)
                        .measure(Target.parse("echo://127.0.0.1:" + full.getLocalPort()), 10, Progress.NONE));
                String message = e.getMessage();
                // A FIN reaches us as a closed connection; a reset may arrive before connect() returns.
                assertTrue(message.contains("closed the connection") || message.contains("reset"), message);
                assertTrue(message.contains("127.0.0.1:" + full.getLocalPort()), message);
                assertTrue(message.contains("full"), "says what it most likely means: " + message);
            }
        }
    }

    private static void closeEveryConnection(ServerSocket server, boolean reset) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                if (reset) {
                    s.setSoLinger(true, 0);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** An honest one-shot measurement during the attack; fails the test if it cannot get one. */
    private static Honest honestMeasurement(EchoServer server) throws IOException {
        long start = System.nanoTime();
        OffsetEstimate e = new OffsetMeter(TimeSource.system(), 1_000_000_000L)
                .measure(Target.parse("echo://127.0.0.1:" + server.port()), SCALE.honestSamples(), Progress.NONE);
        long tookNanos = System.nanoTime() - start;
        assertTrue(e.samples() >= SCALE.honestSamples() / 2, e.toString());
        // Both clocks are this host's: the truth is 0, and the hard bound must hold.
        assertTrue(Math.abs(e.offsetNanos()) <= e.errorBoundNanos(), e.toString());
        return new Honest(e, tookNanos);
    }

    private record Honest(OffsetEstimate estimate, long tookNanos) {
    }

    private static void report(String attack, EchoServer server, Honest h) {
        System.out.printf("attack: %s | honest: %d of %d samples, %d dropped, offset %.3f ms ± %.3f ms, took %d ms"
                        + " | server: open %d, accepted %d, evicted %d, idle-closed %d, deadline-closed %d%n",
                attack, h.estimate().samples(), SCALE.honestSamples(), h.estimate().dropped(),
                h.estimate().offsetNanos() / 1e6, h.estimate().errorBoundNanos() / 1e6, h.tookNanos() / 1_000_000L,
                server.openConnections(), server.acceptedConnections(), server.evictedConnections(),
                server.idleClosedConnections(), server.frameDeadlineClosedConnections());
    }

    /** True when the server closed the connection (end of stream) rather than the read timing out. */
    private static boolean readsEndOfStream(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /**
     * Attacking connections from 127.0.0.2 upwards. Trickling sockets that the server closes are
     * reopened from the same address, as a real slowloris keeps up its pressure.
     */
    private static final class Attack implements AutoCloseable {
        private final InetSocketAddress server;
        private final List<Socket> sockets = new ArrayList<>();
        private final List<InetAddress> sources = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong trickled = new AtomicLong();
        private Thread trickler;

        Attack(InetSocketAddress server) {
            this.server = server;
        }

        void openIdle(int connections, int addresses) throws IOException {
            for (int i = 0; i < connections; i++) {
                InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, (byte) (i % addresses / 250),
                        (byte) (2 + i % addresses % 250)});
                sources.add(source);
                sockets.add(open(source));
            }
        }

        private Socket open(InetAddress source) throws IOException {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(source, 0));
            s.connect(server, 2_000);
            s.setSoTimeout(1);
            return s;
        }

        boolean closedByServer(int index) throws IOException {
            Socket s = sockets.get(index);
            s.setSoTimeout(200);
            try {
                return readsEndOfStream(s.getInputStream());
            } catch (IOException e) {
                return true;
            }
        }

        /** Every {@code periodMillis}, one byte on every connection; reconnects closed ones. */
        void trickle(long periodMillis) {
            trickler = new Thread(() -> {
                while (running.get()) {
                    synchronized (sockets) {
                        for (int i = 0; i < sockets.size() && running.get(); i++) {
                            Socket s = sockets.get(i);
                            try {
                                s.getOutputStream().write(0x55);
                                trickled.incrementAndGet();
                                if (readsEndOfStreamQuietly(s)) {
                                    throw new IOException("closed by server");
                                }
                            } catch (IOException e) {
                                closeQuietly(s);
                                try {
                                    sockets.set(i, open(sources.get(i)));
                                } catch (IOException again) {
                                    // Keep the dead socket; try again next round.
                                }
                            }
                        }
                    }
                    try {
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "slowloris");
            trickler.setDaemon(true);
            trickler.start();
        }

        long trickledBytes() {
            return trickled.get();
        }

        private static boolean readsEndOfStreamQuietly(Socket s) {
            try {
                return readsEndOfStream(s.getInputStream());
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (trickler != null) {
                trickler.join(5_000);
            }
            synchronized (sockets) {
                for (Socket s : sockets) {
                    closeQuietly(s);
                }
            }
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Test teardown.
            }
        }
    }
}
