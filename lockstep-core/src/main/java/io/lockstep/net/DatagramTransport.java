package io.lockstep.net;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Service-provider interface for a UDP socket whose datagrams the operating system stamps on
 * arrival, so that a server's receive timestamp does not include the thread wake-up. Core has no
 * native code; an optional module (e.g. {@code lockstep-linux}, SO_TIMESTAMPNS through JNA)
 * provides one, found with {@link java.util.ServiceLoader}. Implementations must be thread-safe.
 *
 * <p>When no provider is present, or the one present cannot work here (another OS, no native
 * library), {@link NtpServer} falls back to {@code DatagramChannel} and user-space stamps.
 */
public interface DatagramTransport {

    /** What this provider stamps with, for logs and messages, e.g. {@code "SO_TIMESTAMPNS via JNA"}. */
    String description();

    /**
     * Opens a UDP socket bound to {@code address} (port 0 picks one) that stamps every datagram
     * it receives.
     *
     * @param address            where to bind; the IPv6 wildcard serves IPv4 too (dual stack)
     * @param receiveBufferBytes SO_RCVBUF to ask for
     * @throws UnsupportedOperationException when this provider cannot work on this platform
     *         (the caller falls back); the message says why, in one line
     * @throws IOException when the socket cannot be opened or bound (e.g. the port is taken)
     */
    StampedDatagramSocket bind(InetSocketAddress address, int receiveBufferBytes) throws IOException;
}
