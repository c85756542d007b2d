package io.lockstep.time;

/**
 * A clock that can be read in two time domains: wall time (UTC nanoseconds since the Unix
 * epoch) and monotonic time (nanoseconds from an arbitrary origin, never stepping).
 *
 * <p>Implementations must be safe to read from any thread. Wall time may step (an
 * administrator or NTP daemon sets the clock); monotonic time never does, so durations and
 * intervals are always measured in the monotonic domain and only instants that must be
 * compared across machines are read in the wall domain.
 */
public interface TimeSource {

    /** Wall-clock time: UTC nanoseconds since 1970-01-01T00:00:00Z. May step. */
    long wallNanos();

    /** Monotonic time in nanoseconds from an arbitrary origin. Never steps backwards. */
    long monoNanos();

    /**
     * The smallest difference this source can express between two wall readings, in
     * nanoseconds. The system source is limited by {@link System#nanoTime()} (typically 1 ns
     * granularity and tens of ns read cost); protocol-backed sources may be much coarser.
     */
    default long wallResolutionNanos() {
        return 1;
    }

    /**
     * How far this source's wall time may be from the true wall time of the host it stands for,
     * in ns: 0 for exact sources; for the system source, its possible disagreement with the
     * operating system's wall clock. Estimates add it to their error bounds.
     */
    default long wallUncertaintyNanos() {
        return 0;
    }

    /** The shared system time source: wall time with sub-microsecond granularity. */
    static TimeSource system() {
        return SystemTimeSource.shared();
    }
}
