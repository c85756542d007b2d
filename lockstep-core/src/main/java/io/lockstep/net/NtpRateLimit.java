package io.lockstep.net;

/**
 * How many requests per second one client address may send to an {@code NtpServer} before it
 * is answered with a RATE kiss-o'-death and then silence. Immutable.
 *
 * <p>The default allows a sustained 32 requests per second with bursts of 256 (a
 * {@code lockstep offset --samples 100} burst, or a chronyd client at {@code minpoll -6}, stays
 * within it; a flood does not). chronyd, by contrast, has no limit unless its {@code ratelimit}
 * directive is configured, and then defaults to one request per 8 s with bursts of 8.
 *
 * @param requestsPerSecond sustained requests per second per client
 * @param burst             requests a client may send at once after being idle
 * @param tableSlots        clients tracked at once; bounds the memory (about 25 bytes a slot)
 * @param enabled           false turns limiting off (for load tests on loopback)
 */
public record NtpRateLimit(double requestsPerSecond, int burst, int tableSlots, boolean enabled) {

    /** The default limit: 32 requests/s, bursts of 256, 4096 clients tracked. */
    public static final NtpRateLimit DEFAULT = new NtpRateLimit(32, 256, 4096, true);

    /** No limit at all. */
    public static final NtpRateLimit OFF = new NtpRateLimit(1, 1, 1, false);

    public NtpRateLimit {
        if (enabled && (!(requestsPerSecond > 0) || burst < 1 || tableSlots < 1 || tableSlots > (1 << 24))) {
            throw new IllegalArgumentException("rate limit needs requests/s > 0, burst >= 1, 1..16M table slots");
        }
    }

    /**
     * A limit of {@code requestsPerSecond} with bursts of eight seconds' worth (as the default's
     * 32/s and 256); 0 turns limiting off.
     */
    public static NtpRateLimit perSecond(double requestsPerSecond) {
        if (requestsPerSecond == 0) {
            return OFF;
        }
        return of(requestsPerSecond, (int) Math.max(1, Math.min(1_000_000, requestsPerSecond * 8)));
    }

    /** A limit of {@code requestsPerSecond} with bursts of {@code burst} and the default table size. */
    public static NtpRateLimit of(double requestsPerSecond, int burst) {
        return new NtpRateLimit(requestsPerSecond, burst, DEFAULT.tableSlots(), true);
    }
}
