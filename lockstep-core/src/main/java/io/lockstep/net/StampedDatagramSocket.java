package io.lockstep.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A bound UDP socket from a {@link DatagramTransport}, which stamps each received datagram with
 * the host's wall clock ({@code CLOCK_REALTIME}, the clock {@link java.time.Instant#now()} reads)
 * at its arrival in the kernel. Thread-safe as a whole; each thread does its I/O through its own
 * {@link Worker}, which owns the (reused, fixed-size) native memory of its calls.
 *
 * <p>Shutting down: {@link #shutdown()} wakes every worker blocked in {@link Worker#receive} (they
 * return null); {@link #close()} then releases the socket. Close only after the workers' threads
 * have stopped using it, so that no thread can act on a descriptor number the OS has reused.
 */
public interface StampedDatagramSocket extends Closeable {

    /**
     * Writes a transmit timestamp into an outgoing datagram (without moving its position or
     * limit), called by {@link Worker#send(ByteBuffer, InetSocketAddress, TransmitStamp)}
     * immediately before the send.
     */
    @FunctionalInterface
    interface TransmitStamp {
        void stamp(ByteBuffer tx);
    }

    /** Returned by {@link Worker#receiveRealtimeNanos()} when the kernel attached no stamp. */
    long NO_STAMP = Long.MIN_VALUE;

    /** The address and port actually bound. */
    InetSocketAddress localAddress();

    /** A new worker for the calling thread. */
    Worker newWorker();

    /** Wakes up blocked receives and makes later ones return null at once. Idempotent. */
    void shutdown();

    /** Shuts down (if not yet) and releases the socket. Idempotent. */
    @Override
    void close() throws IOException;

    /**
     * One thread's access to the socket. Not thread-safe: one thread, one worker. Buffers passed in
     * must be direct (the kernel reads and writes them in place, no copy).
     */
    interface Worker extends AutoCloseable {

        /**
         * Takes one datagram and puts its bytes into {@code rx} from its position (a datagram
         * longer than {@code rx.remaining()} is truncated to it, so leave one spare byte to notice).
         *
         * @param block wait for a datagram (up to an internal bound of a fraction of a second), or
         *              return at once when none is queued (for busy polling)
         * @return the sender, or null when nothing came (see {@code block}) or the socket was shut
         *         down (the caller checks its own state)
         * @throws IOException on an error the socket reported (the caller may go on receiving)
         */
        InetSocketAddress receive(ByteBuffer rx, boolean block) throws IOException;

        /**
         * Host wall time (ns since the Unix epoch, {@code CLOCK_REALTIME}) at which the kernel
         * received the datagram last returned by {@link #receive}, or {@link #NO_STAMP}.
         */
        long receiveRealtimeNanos();

        /**
         * Sends {@code tx} from its position to its limit to {@code to}.
         *
         * @return false when the socket's send buffer was full and the datagram was dropped
         * @throws IOException when the OS refused the send
         */
        boolean send(ByteBuffer tx, InetSocketAddress to) throws IOException;

        /**
         * Like {@link #send(ByteBuffer, InetSocketAddress)}, but {@code stamp} writes into
         * {@code tx} as the last thing before the datagram goes to the kernel, after everything
         * else the send needs is ready: for a transmit timestamp read as late as possible.
         *
         * @return false when the socket's send buffer was full and the datagram was dropped
         * @throws IOException when the OS refused the send
         */
        default boolean send(ByteBuffer tx, InetSocketAddress to, TransmitStamp stamp) throws IOException {
            stamp.stamp(tx);
            return send(tx, to);
        }

        /** Releases this worker's native memory. Idempotent. */
        @Override
        void close();
    }
}
