package io.lockstep.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

import io.lockstep.ntp.NtpCodec;
import io.lockstep.ntp.NtpDecodeException;
import io.lockstep.ntp.NtpPacket;
import io.lockstep.ntp.NtpTimestamp;

/**
 * Drives an NTP server with client requests from one thread and measures how many it answers,
 * how many it loses and how long replies take. Windowed: at most {@code window} requests are
 * outstanding; each carries its sequence number in the transmit timestamp, so a reply's origin
 * timestamp identifies its request. A request without a reply after the reply timeout counts
 * as lost and frees its slot. The same generator, with the same settings, measures every
 * server of a comparison. Not thread-safe; one run at a time.
 */
public final class NtpLoadGenerator {

    private static final long REPLY_TIMEOUT_NANOS = 200_000_000L;

    private final int window;

    /** @param window requests kept in flight at once (1–4096) */
    public NtpLoadGenerator(int window) {
        if (window < 1 || window > 4096) {
            throw new IllegalArgumentException("window " + window + " is out of range 1-4096");
        }
        this.window = window;
    }

    /** Loads {@code server} for {@code warmUpNanos} (not measured), then for {@code durationNanos}. */
    public NtpLoadResult run(InetSocketAddress server, long warmUpNanos, long durationNanos) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(server);
            ch.configureBlocking(false);
            phase(ch, warmUpNanos, null);
            return phase(ch, durationNanos, new LatencyRecorder());
        }
    }

    private NtpLoadResult phase(DatagramChannel ch, long durationNanos, LatencyRecorder latencies) throws IOException {
        int slots = Integer.highestOneBit(window * 4 - 1) << 1;
        long[] sentAtMono = new long[slots];
        long[] seqInSlot = new long[slots];
        Arrays.fill(seqInSlot, -1);
        ByteBuffer tx = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
        ByteBuffer rx = ByteBuffer.allocateDirect(2048);
        // A base keeps sequence numbers of different phases and runs from matching each other.
        long base = System.nanoTime() << 20;
        long nextSeq = 0;
        long oldestOpenSeq = 0;
        int outstanding = 0;
        long answered = 0;
        long lost = 0;
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
                tx.clear();
                NtpCodec.encode(NtpPacket.clientRequest(4, 0, new NtpTimestamp(base + seq)), tx);
                tx.flip();
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
                NtpPacket reply;
                try {
                    reply = NtpCodec.decode(rx);
                } catch (NtpDecodeException e) {
                    continue;
                }
                long seq = reply.originTimestamp().bits() - base;
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
                Thread.onSpinWait();
            }
        }
        long elapsed = System.nanoTime() - start;
        long p50 = latencies == null ? 0 : latencies.percentileNanos(0.50);
        long p99 = latencies == null ? 0 : latencies.percentileNanos(0.99);
        return new NtpLoadResult(nextSeq, answered, lost, elapsed, p50, p99);
    }
}
