package io.lockstep.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;

import io.lockstep.internal.ntp.NtpCodec;
import io.lockstep.internal.ntp.NtpDecodeException;
import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.internal.ntp.NtpTimestamp;

/**
 * Drives an NTP server with client requests from one or more threads and measures how many it
 * answers, how many it loses, how long replies take and how much CPU the generator itself
 * used. Each thread has its own socket (so its own client address and port) and keeps at most
 * {@code window} requests outstanding; each request carries its sequence number in the transmit
 * timestamp, so a reply's origin timestamp identifies its request. A request without a reply
 * after the reply timeout counts as lost and frees its slot. The same generator, with the same
 * settings, measures every server of a comparison. Not thread-safe; one run at a time.
 */
public final class NtpLoadGenerator {

    private static final long REPLY_TIMEOUT_NANOS = 200_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final int window;
    private final int threads;
    private final boolean blockWhenFull;

    /** One thread keeping {@code window} requests in flight. */
    public NtpLoadGenerator(int window) {
        this(window, 1, false);
    }

    /**
     * @param window        requests each thread keeps in flight at once (1–4096)
     * @param threads       generator threads, each with its own socket (1–64)
     * @param blockWhenFull with the window full, wait for a reply in the kernel instead of
     *                      spinning: slower to react on an idle machine with a core per thread,
     *                      but a spinning thread that shares its core with the server it loads
     *                      takes the server's CPU, so on a shared machine spinning measures the
     *                      scheduler rather than the server
     */
    public NtpLoadGenerator(int window, int threads, boolean blockWhenFull) {
        if (window < 1 || window > 4096) {
            throw new IllegalArgumentException("window " + window + " is out of range 1-4096");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("generator threads " + threads + " is out of range 1-64");
        }
        this.window = window;
        this.threads = threads;
        this.blockWhenFull = blockWhenFull;
    }

    /**
     * Loads {@code server} for {@code warmUpNanos} (not measured), then for {@code durationNanos},
     * from every thread at once; the result sums the threads (latency percentiles over all their
     * replies, generator CPU over all their measuring phases).
     */
    public NtpLoadResult run(InetSocketAddress server, long warmUpNanos, long durationNanos) throws IOException {
        Phase[] results = new Phase[threads];
        Throwable[] failures = new Throwable[threads];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            workers[i] = new Thread(() -> {
                try (DatagramChannel ch = DatagramChannel.open(); Selector selector = Selector.open()) {
                    ch.connect(server);
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_READ);
                    phase(ch, selector, warmUpNanos, null);
                    results[index] = phase(ch, selector, durationNanos, new LatencyRecorder());
                } catch (Throwable t) {
                    failures[index] = t;
                }
            }, "lockstep-ntp-load-" + i);
            workers[i].start();
        }
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            for (Thread w : workers) {
                w.interrupt();
            }
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        for (Throwable t : failures) {
            if (t instanceof IOException io) {
                throw io;
            } else if (t != null) {
                throw new IOException("load generator failed: " + t, t);
            }
        }
        LatencyRecorder latencies = new LatencyRecorder();
        long sent = 0;
        long answered = 0;
        long lost = 0;
        long elapsed = 0;
        long cpu = 0;
        for (Phase r : results) {
            sent += r.sent();
            answered += r.answered();
            lost += r.lost();
            elapsed = Math.max(elapsed, r.elapsedNanos());
            cpu += r.cpuNanos();
            latencies.addAll(r.latencies());
        }
        return new NtpLoadResult(sent, answered, lost, elapsed, latencies.percentileNanos(0.50),
                latencies.percentileNanos(0.99), cpu);
    }

    /** What one thread measured in one phase. */
    private record Phase(long sent, long answered, long lost, long elapsedNanos, long cpuNanos,
                         LatencyRecorder latencies) {
    }

    private Phase phase(DatagramChannel ch, Selector selector, long durationNanos, LatencyRecorder latencies)
            throws IOException {
        int slots = Integer.highestOneBit(window * 4 - 1) << 1;
        long[] sentAtMono = new long[slots];
        long[] seqInSlot = new long[slots];
        Arrays.fill(seqInSlot, -1);
        ByteBuffer tx = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
        ByteBuffer rx = ByteBuffer.allocateDirect(2048);
        // A base keeps sequence numbers of different phases and runs from matching each other.
        long base = System.nanoTime() << 20;
        // The request is encoded once; each send only rewrites its transmit timestamp (the sequence
        // number), so the generator allocates nothing per request.
        NtpCodec.encode(NtpPacket.clientRequest(4, 0, new NtpTimestamp(base)), tx);
        long nextSeq = 0;
        long oldestOpenSeq = 0;
        int outstanding = 0;
        long answered = 0;
        long lost = 0;
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + durationNanos;
        long now = start;
        while (now - end < 0) {
            // Fill the window.
            while (outstanding < window) {
                long seq = nextSeq++;
                int slot = (int) (seq & (slots - 1));
                if (seqInSlot[slot] != -1) {
                    // The slot still holds an old request: it is long overdue, count it lost.
                    seqInSlot[slot] = -1;
                    outstanding--;
                    lost++;
                }
                NtpCodec.putTimestampBits(tx, NtpCodec.TRANSMIT_TIMESTAMP_OFFSET, base + seq);
                tx.rewind();
                sentAtMono[slot] = System.nanoTime();
                if (ch.write(tx) == 0) {
                    // Socket buffer full: try again after reading.
                    nextSeq--;
                    break;
                }
                seqInSlot[slot] = seq;
                outstanding++;
            }
            // Read whatever has arrived.
            while (true) {
                rx.clear();
                int n;
                try {
                    n = ch.read(rx);
                } catch (java.net.PortUnreachableException e) {
                    throw new IOException("no NTP server at " + ch.getRemoteAddress());
                }
                if (n <= 0) {
                    break;
                }
                long readMono = System.nanoTime();
                rx.flip();
                try {
                    NtpCodec.check(rx);
                } catch (NtpDecodeException e) {
                    continue;
                }
                long seq = NtpCodec.getTimestampBits(rx, rx.position() + NtpCodec.ORIGIN_TIMESTAMP_OFFSET) - base;
                if (seq < 0 || seq >= nextSeq) {
                    continue;
                }
                int slot = (int) (seq & (slots - 1));
                if (seqInSlot[slot] != seq) {
                    continue;
                }
                seqInSlot[slot] = -1;
                outstanding--;
                answered++;
                if (latencies != null) {
                    latencies.add(readMono - sentAtMono[slot]);
                }
            }
            now = System.nanoTime();
            // Expire requests that waited too long.
            while (oldestOpenSeq < nextSeq) {
                int slot = (int) (oldestOpenSeq & (slots - 1));
                if (seqInSlot[slot] != oldestOpenSeq) {
                    oldestOpenSeq++;
                    continue;
                }
                if (now - sentAtMono[slot] < REPLY_TIMEOUT_NANOS) {
                    break;
                }
                seqInSlot[slot] = -1;
                outstanding--;
                lost++;
                oldestOpenSeq++;
            }
            if (outstanding >= window) {
                if (blockWhenFull) {
                    // 1 ms at most, so expiries and the end of the phase are still noticed.
                    selector.select(1);
                    selector.selectedKeys().clear();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        return new Phase(nextSeq, answered, lost, elapsed, THREADS.getCurrentThreadCpuTime() - cpuStart, latencies);
    }
}
