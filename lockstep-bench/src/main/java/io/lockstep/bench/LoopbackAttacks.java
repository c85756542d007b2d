package io.lockstep.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.lockstep.internal.ntp.NtpCodec;
import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.internal.ntp.NtpTimestamp;

/**
 * Attacks on a time server from this machine, over loopback only: every attacking socket is
 * bound to its own 127.x.y.z source address (Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so one process can play hundreds of thousands of clients without spoofing or
 * privileges). Every attack is a bounded loop that also stops at its deadline. 127.0.0.1 is
 * never used as a source, so an honest client there stays distinguishable. Stateless; each
 * method may run on its own thread.
 */
public final class LoopbackAttacks {

    /** Source addresses per second octet: third octet 0-255, fourth 1-254 (no .0 or .255). */
    static final int SOURCES_PER_BLOCK = 256 * 254;
    /** Second octets used by each attack, so that attacks never share a source address. */
    static final int NTP_FLOOD_BLOCK = 1;
    static final int ECHO_CHURN_BLOCK = 100;
    static final int ECHO_IDLE_BLOCK = 200;
    /** Most distinct sources one attack may use (second octets 1-99 for the NTP flood). */
    public static final int MAX_SOURCES = 99 * SOURCES_PER_BLOCK;

    /**
     * Datagram sockets each flooding thread keeps open, so replies can still be counted: a
     * socket lives for about this many sends (tens of ms at flood rates); replies that arrive
     * later are not counted.
     */
    private static final int FLOOD_RING = 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private LoopbackAttacks() {
    }

    /** What an attack did; {@link #summary()} is one line for a table cell. */
    public record Load(String summary, long elapsedNanos) {
    }

    /**
     * The {@code index}-th source address of the block starting at second octet {@code block}:
     * 127.block.0.1, 127.block.0.2, … 127.block.0.254, 127.block.1.1, … then the next block.
     */
    static InetAddress source(int block, int index) {
        int octet2 = block + index / SOURCES_PER_BLOCK;
        int within = index % SOURCES_PER_BLOCK;
        if (octet2 > 254) {
            throw new IllegalArgumentException("source index " + index + " is beyond 127.254.255.254");
        }
        try {
            return InetAddress.getByAddress(new byte[]{127, (byte) octet2, (byte) (within / 254), (byte) (1 + within % 254)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * NTP flood: {@code sources} distinct source addresses each send {@code requestsPerSource}
     * valid client requests, from {@code threads} threads, as fast as the sockets allow. Each
     * thread keeps a ring of open sockets, each bound to its own source, and sends one request
     * from each in turn, so consecutive requests always come from different addresses (as in a
     * spoofed flood); a socket that has sent its share is closed, after its replies (answers and
     * RATE kisses) are counted, and replaced by one from the next unused source. Opening a socket
     * costs far more than a send, so a few requests per source flood much faster than one.
     */
    public static Load ntpFlood(InetSocketAddress server, int sources, int requestsPerSource, int threads,
                                long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong kisses = new AtomicLong();
        AtomicLong sourcesUsed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        byte[] request = NtpCodec.encode(NtpPacket.clientRequest(4, 0, new NtpTimestamp(0x1234_5678_9abc_def0L)));
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread w = new Thread(() -> {
                DatagramChannel[] ring = new DatagramChannel[FLOOD_RING];
                int[] sentFrom = new int[FLOOD_RING];
                ByteBuffer tx = ByteBuffer.allocateDirect(request.length);
                ByteBuffer rx = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES + 64);
                int next = first;
                boolean busy = true;
                while (busy && System.nanoTime() - deadline < 0) {
                    busy = false;
                    for (int slot = 0; slot < FLOOD_RING; slot++) {
                        if (ring[slot] == null || sentFrom[slot] >= requestsPerSource) {
                            retire(ring[slot], rx, answered, kisses);
                            ring[slot] = null;
                            if (next >= sources) {
                                continue;
                            }
                            try {
                                DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                                ring[slot] = ch;
                                sentFrom[slot] = 0;
                                ch.bind(new InetSocketAddress(source(NTP_FLOOD_BLOCK, next), 0));
                                ch.configureBlocking(false);
                                sourcesUsed.incrementAndGet();
                            } catch (IOException e) {
                                errors.incrementAndGet();
                                retire(ring[slot], rx, answered, kisses);
                                ring[slot] = null;
                                next += threads;
                                continue;
                            }
                            next += threads;
                        }
                        busy = true;
                        try {
                            tx.clear();
                            tx.put(request).flip();
                            if (ring[slot].send(tx, server) > 0) {
                                sent.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                        sentFrom[slot]++;
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (DatagramChannel ch : ring) {
                    retire(ch, rx, answered, kisses);
                }
            }, "lockstep-attack-ntp-flood-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - start;
        String summary = String.format(Locale.ROOT, "%,d sources × %d req in %.1f s (%,.0f req/s); %.0f%% got a reply in time, %,d RATE kisses%s",
                sourcesUsed.get(), requestsPerSource, elapsed / 1e9, sent.get() / (elapsed / 1e9),
                sent.get() == 0 ? 0.0 : 100.0 * answered.get() / sent.get(), kisses.get(),
                errors.get() == 0 ? "" : String.format(Locale.ROOT, ", %,d socket errors", errors.get()));
        return new Load(summary, elapsed);
    }

    /** Counts the replies waiting on {@code ch} and closes it. */
    private static void retire(DatagramChannel ch, ByteBuffer rx, AtomicLong answered, AtomicLong kisses) {
        if (ch == null) {
            return;
        }
        try (ch) {
            while (true) {
                rx.clear();
                if (ch.receive(rx) == null) {
                    break;
                }
                if (rx.position() >= NtpPacket.HEADER_BYTES && rx.get(1) == 0) {
                    kisses.incrementAndGet();
                } else {
                    answered.incrementAndGet();
                }
            }
        } catch (IOException ignored) {
            // A closed or failed socket: its replies are simply not counted.
        }
    }

    /**
     * Time Echo connection churn: {@code connections} connections in all, from {@code sources}
     * distinct source addresses in turn, each opening, making one exchange and closing, from
     * {@code threads} threads as fast as they can.
     */
    public static Load echoChurn(InetSocketAddress server, int connections, int sources, int threads,
                                 long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        AtomicLong attempted = new AtomicLong();
        AtomicLong exchanged = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread w = new Thread(() -> {
                byte[] reply = new byte[16];
                for (int i = first; i < connections && System.nanoTime() - deadline < 0; i += threads) {
                    attempted.incrementAndGet();
                    try (Socket s = new Socket()) {
                        s.bind(new InetSocketAddress(source(ECHO_CHURN_BLOCK, i % sources), 0));
                        s.connect(server, CONNECT_TIMEOUT_MILLIS);
                        s.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
                        OutputStream out = s.getOutputStream();
                        out.write(ByteBuffer.allocate(8).putLong(System.currentTimeMillis()).array());
                        InputStream in = s.getInputStream();
                        if (in.readNBytes(reply, 0, reply.length) == reply.length) {
                            exchanged.incrementAndGet();
                        } else {
                            // Accepted and closed at once: the server was full or refused us.
                            refused.incrementAndGet();
                        }
                    } catch (SocketTimeoutException e) {
                        failed.incrementAndGet();
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    }
                }
            }, "lockstep-attack-echo-churn-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - start;
        String summary = String.format(Locale.ROOT, "%,d connections from %,d sources in %.1f s (%,.0f/s); %,d exchanged, %,d refused or reset, %,d timed out",
                attempted.get(), Math.min(sources, connections), elapsed / 1e9, attempted.get() / (elapsed / 1e9),
                exchanged.get(), refused.get(), failed.get());
        return new Load(summary, elapsed);
    }

    /**
     * Time Echo idle connections: opens {@code connections} connections, each from its own
     * source address, sends nothing and holds them for {@code holdNanos}. Like a real attacker
     * it keeps the count up: every {@value #TOP_UP_MILLIS} ms each connection the server has
     * closed is replaced by a new one from the next unused source, so a slot freed by the server
     * is taken again at once.
     */
    public static Load echoIdle(InetSocketAddress server, int connections, long holdNanos) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + holdNanos;
        List<SocketChannel> open = new ArrayList<>();
        int[] nextSource = {0};
        int failed = 0;
        long closedByServer = 0;
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = connectIdle(server, nextSource);
                if (ch == null) {
                    failed++;
                } else {
                    open.add(ch);
                }
            }
            long openedNanos = System.nanoTime() - start;
            ByteBuffer probe = ByteBuffer.allocate(16);
            while (System.nanoTime() - end < 0) {
                Thread.sleep(Math.min(TOP_UP_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000L)));
                for (int i = 0; i < open.size() && System.nanoTime() - end < 0; i++) {
                    if (closedByServer(open.get(i), probe)) {
                        closedByServer++;
                        closeQuietly(open.get(i));
                        SocketChannel again = connectIdle(server, nextSource);
                        if (again == null) {
                            failed++;
                            open.remove(i--);
                        } else {
                            open.set(i, again);
                        }
                    }
                }
            }
            // Give the server time to close the last replacements it refuses, then count.
            Thread.sleep(100);
            int stillOpen = 0;
            for (SocketChannel ch : open) {
                if (!closedByServer(ch, probe)) {
                    stillOpen++;
                }
            }
            long elapsed = System.nanoTime() - start;
            String summary = String.format(Locale.ROOT, "%,d connections (opened in %.1f s) held %.0f s, each one the server"
                            + " closed replaced within %d ms (%,d times, %,d sources); %,d open at the end%s",
                    connections, openedNanos / 1e9, elapsed / 1e9, TOP_UP_MILLIS, closedByServer, nextSource[0], stillOpen,
                    failed == 0 ? "" : String.format(Locale.ROOT, ", %,d failed to connect", failed));
            return new Load(summary, elapsed);
        } finally {
            for (SocketChannel ch : open) {
                closeQuietly(ch);
            }
        }
    }

    /** How often {@link #echoIdle} replaces connections the server closed. */
    static final long TOP_UP_MILLIS = 200;

    /** A connected, non-blocking channel from the next source, or null when it could not connect. */
    private static SocketChannel connectIdle(InetSocketAddress server, int[] nextSource) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.INET);
            ch.bind(new InetSocketAddress(source(ECHO_IDLE_BLOCK, nextSource[0]++ % (50 * SOURCES_PER_BLOCK)), 0));
            ch.socket().connect(server, CONNECT_TIMEOUT_MILLIS);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    /** True when the peer has closed or reset {@code ch} (we never send, so any read result but 0 means that). */
    private static boolean closedByServer(SocketChannel ch, ByteBuffer probe) {
        try {
            probe.clear();
            return ch.read(probe) != 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing regardless.
            }
        }
    }
}
