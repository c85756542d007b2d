package io.lockstep.internal;


import io.lockstep.internal.host.HostClock;
import io.lockstep.time.TimeSource;

/**
 * Converts a kernel receive timestamp (host {@code CLOCK_REALTIME}, ns) into the wall domain of
 * the {@link TimeSource} a server serves. Stateless and thread-safe.
 *
 * <p>Why a conversion at all: the served clock need not be the host clock (a simulated clock
 * reads an offset ahead and drifts), and even the system source may differ from the OS wall
 * clock by a few µs (it re-anchors only past a threshold). The transmit timestamp is read from
 * the served clock, so the receive timestamp must be in that same domain, or t3 − t2 would carry
 * the difference of two clocks. So the kernel stamp contributes only a <em>duration</em>: the
 * datagram's age, {@code hostNow − kernelStamp}, both readings of the same host clock, whose
 * absolute error cancels. The served receive time is then {@code servedNow − age}. Over an age of
 * microseconds the two clocks' rates differ by ppm at most, i.e. picoseconds. The host clock is
 * read on both sides of the served clock and the midpoint taken, so the order of the reads adds
 * no bias only if nothing happened between the reads. Something can: a preemption, or (likely,
 * not proven) the system source's own re-check against the OS clock, at most every 100 ms and so
 * on nearly every request of a client polling a few times a second, which its reading does not
 * include but the later host reading does. A bracket of P puts the stamp up to P/2 off; measured with our own
 * probe, a single pairing stamped some requests up to 42 µs before the client had sent them. So a
 * wide bracket is read again, a few times at most, and the narrowest kept (since then the earliest
 * request leg measured was +2.4 µs, as it must be positive).
 *
 * <p>When the age is negative or implausibly large (the host clock was stepped between the two
 * readings) the kernel stamp is worthless, and {@link #UNUSABLE} tells the caller to fall back to
 * {@code servedNow}, a user-space stamp.
 */
public final class KernelStamps {

    /** Returned by {@link #servedWallNanos} when the kernel stamp cannot be used. */
    public static final long UNUSABLE = Long.MIN_VALUE;

    /**
     * Oldest datagram age believed (ns): a request can queue this long only on a hopelessly
     * overloaded host, and an older stamp more likely means the host clock stepped.
     */
    public static final long MAX_AGE_NANOS = 1_000_000_000L;

    /** A bracket at most this wide (ns) is taken at once: three clock reads take well under 1 µs. */
    static final long GOOD_BRACKET_NANOS = 1_000L;
    /** Pairings tried before the narrowest so far is used. */
    static final int PAIRING_TRIES = 4;

    private KernelStamps() {
    }

    /**
     * The served clock's wall time at the instant the kernel stamped a datagram.
     *
     * @param kernelRealtimeNanos   the kernel's receive stamp, host {@code CLOCK_REALTIME} ns
     * @param hostBeforeNanos       host {@code CLOCK_REALTIME} read just before {@code servedNowWallNanos}
     * @param servedNowWallNanos    the served clock's wall time, read between the two host readings
     * @param hostAfterNanos        host {@code CLOCK_REALTIME} read just after
     * @return served wall ns at arrival, or {@link #UNUSABLE}
     */
    public static long servedWallNanos(long kernelRealtimeNanos, long hostBeforeNanos, long servedNowWallNanos,
                                       long hostAfterNanos) {
        // Midpoint without overflow: both readings are close together.
        long hostNowNanos = hostBeforeNanos + (hostAfterNanos - hostBeforeNanos) / 2;
        long ageNanos = hostNowNanos - kernelRealtimeNanos;
        if (hostAfterNanos < hostBeforeNanos || ageNanos < 0 || ageNanos > MAX_AGE_NANOS) {
            return UNUSABLE;
        }
        return servedNowWallNanos - ageNanos;
    }

    /** Reads the host and served clocks (narrowest of a few brackets) and converts {@code kernelRealtimeNanos}. */
    public static long servedWallNanos(long kernelRealtimeNanos, TimeSource served) {
        long bestBracket = Long.MAX_VALUE;
        long bestBefore = 0;
        long bestServed = 0;
        long bestAfter = 0;
        for (int i = 0; i < PAIRING_TRIES && bestBracket > GOOD_BRACKET_NANOS; i++) {
            long hostBefore = HostClock.realtimeNanos();
            long servedNow = served.wallNanos();
            long hostAfter = HostClock.realtimeNanos();
            long bracket = hostAfter - hostBefore;
            if (bracket >= 0 && bracket < bestBracket) {
                bestBracket = bracket;
                bestBefore = hostBefore;
                bestServed = servedNow;
                bestAfter = hostAfter;
            }
        }
        if (bestBracket == Long.MAX_VALUE) {
            // The host clock went backwards inside every bracket: it is being stepped.
            return UNUSABLE;
        }
        return servedWallNanos(kernelRealtimeNanos, bestBefore, bestServed, bestAfter);
    }
}
