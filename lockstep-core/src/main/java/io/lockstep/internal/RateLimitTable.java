package io.lockstep.internal;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Per-client request rate limiting for a server, in bounded memory: a fixed-size table of token
 * buckets indexed by a hash of the client address. Not API. Thread-safe (one lock; the work
 * under it is a few arithmetic operations).
 *
 * <p>Each client earns {@code ratePerSecond} tokens per second up to {@code burst}; a request
 * spends one. A request without a token is over the limit: the first one of an episode is told
 * so ({@link Verdict#KISS}, so the server can send a RATE kiss-o'-death), the rest get
 * {@link Verdict#DROP} (silence). Over-limit requests still spend tokens, down to {@code −burst},
 * so a client that keeps flooding stays silenced until it backs off, as ntpd does.
 *
 * <p>Why a direct-mapped table and not a map: an attacker can send from any number of spoofed
 * addresses, so the table must not grow. A collision evicts the older entry of two candidate
 * slots; that can only make the limiter more lenient towards the evicted client, never stricter
 * towards an innocent one.
 */
public final class RateLimitTable {

    /** What to do with one request. */
    public enum Verdict {
        /** Within the limit: answer. */
        ANSWER,
        /** Just went over the limit: answer with a RATE kiss-o'-death once. */
        KISS,
        /** Over the limit and already told: stay silent. */
        DROP
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double tokensPerNano;
    private final double burst;
    private final int mask;
    private final long[] keys;
    private final double[] tokens;
    private final long[] lastMonoNanos;
    private final boolean[] kissed;

    /**
     * @param ratePerSecond sustained requests per second allowed per client (&gt; 0)
     * @param burst         requests a client may send at once after being idle (≥ 1)
     * @param slots         table size; rounded up to a power of two (memory ≈ 25 bytes per slot)
     */
    public RateLimitTable(double ratePerSecond, int burst, int slots) {
        if (!(ratePerSecond > 0) || burst < 1 || slots < 1) {
            throw new IllegalArgumentException("rate limit needs rate > 0, burst >= 1 and slots >= 1");
        }
        int size = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
        this.tokensPerNano = ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.mask = size - 1;
        this.keys = new long[size];
        this.tokens = new double[size];
        this.lastMonoNanos = new long[size];
        this.kissed = new boolean[size];
    }

    /** Number of slots, i.e. the most clients tracked at once. */
    public int slots() {
        return keys.length;
    }

    /** Accounts one request from {@code client} at monotonic time {@code monoNanos}. */
    public synchronized Verdict check(InetAddress client, long monoNanos) {
        long key = keyOf(client);
        int a = (int) mix(key) & mask;
        int b = (a + 1) & mask;
        int slot;
        if (keys[a] == key) {
            slot = a;
        } else if (keys[b] == key) {
            slot = b;
        } else {
            // New client: take the empty or least recently seen of the two slots.
            slot = (keys[a] == 0 || (keys[b] != 0 && lastMonoNanos[a] - lastMonoNanos[b] <= 0)) ? a : b;
            keys[slot] = key;
            tokens[slot] = burst;
            lastMonoNanos[slot] = monoNanos;
            kissed[slot] = false;
        }
        long elapsed = monoNanos - lastMonoNanos[slot];
        if (elapsed > 0) {
            tokens[slot] = Math.min(burst, tokens[slot] + elapsed * tokensPerNano);
            lastMonoNanos[slot] = monoNanos;
        }
        if (tokens[slot] >= 1) {
            tokens[slot] -= 1;
            kissed[slot] = false;
            return Verdict.ANSWER;
        }
        tokens[slot] = Math.max(-burst, tokens[slot] - 1);
        if (!kissed[slot]) {
            kissed[slot] = true;
            return Verdict.KISS;
        }
        return Verdict.DROP;
    }

    /** A non-zero 64-bit key per address (IPv4 exactly, IPv6 hashed). */
    private static long keyOf(InetAddress address) {
        byte[] b = address.getAddress();
        long key;
        if (address instanceof Inet4Address) {
            key = 0x1_0000_0000L | ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        } else {
            long h = 0xcbf29ce484222325L;
            for (byte x : b) {
                h = (h ^ (x & 0xFF)) * 0x100000001b3L;
            }
            key = h;
        }
        return key == 0 ? 1 : key;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
