package io.lockstep.net;

/**
 * Where an {@link NtpServer} takes a request's receive timestamp from. Immutable enum.
 *
 * <p>The receive timestamp is the one instant of an exchange the server cannot choose: every
 * microsecond between the datagram's arrival and the stamp makes clients see the server that
 * much further ahead, halved. The kernel stamps a datagram when it arrives (SO_TIMESTAMPNS);
 * a Java thread blocked in {@code receive} stamps it only after the scheduler has woken it up.
 */
public enum ReceiveTimestamps {
    /** Kernel timestamps when a {@link DatagramTransport} provides them on this platform, else {@link #USER}. */
    AUTO,
    /** Kernel timestamps or nothing: starting the server fails when none is available. */
    KERNEL,
    /** Stamp in user space, after {@code DatagramChannel.receive} returns (the portable path). */
    USER;

    /** The word {@code serve} prints for the method actually in use: {@code kernel} or {@code user}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
