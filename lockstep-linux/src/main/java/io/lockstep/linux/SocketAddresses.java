package io.lockstep.linux;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes Linux {@code struct sockaddr_in} / {@code sockaddr_in6} in a buffer viewing
 * native memory. Pure functions over the buffer passed in (absolute indexes: the buffer's
 * position is untouched); thread-safe as long as buffers are not shared.
 *
 * <p>Layout: {@code sa_family} is in host byte order (the buffer's order must be native), the
 * port and IPv4 address in network order; {@code sin6_scope_id} in host order. An IPv4 peer of a
 * dual-stack IPv6 socket arrives as {@code ::ffff:a.b.c.d}, which {@link InetAddress#getByAddress}
 * turns into an {@link Inet4Address}, as {@code DatagramChannel} does; sending to an IPv4
 * address from an IPv6 socket maps it back.
 */
final class SocketAddresses {

    /** {@code sizeof(struct sockaddr_in)}. */
    static final int IN4_BYTES = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    static final int IN6_BYTES = 28;
    /** Room for either ({@code sizeof(struct sockaddr_storage)}). */
    static final int STORAGE_BYTES = 128;

    private SocketAddresses() {
    }

    /**
     * Writes {@code address} at {@code offset} for a socket of {@code family}.
     *
     * @return the length to pass to the kernel
     * @throws IOException when an IPv6 address is sent from an IPv4 socket
     */
    static int encode(ByteBuffer buf, int offset, int family, InetSocketAddress address) throws IOException {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IOException("unresolved address " + address);
        }
        byte[] raw = ip.getAddress();
        int port = address.getPort();
        if (family == Libc.AF_INET) {
            if (raw.length != 4) {
                throw new IOException("cannot send to IPv6 address " + ip.getHostAddress() + " from an IPv4 socket");
            }
            buf.putShort(offset, (short) Libc.AF_INET);
            putPort(buf, offset + 2, port);
            buf.put(offset + 4, raw);
            buf.putLong(offset + 8, 0);
            return IN4_BYTES;
        }
        buf.putShort(offset, (short) Libc.AF_INET6);
        putPort(buf, offset + 2, port);
        buf.putInt(offset + 4, 0); // flow info
        if (raw.length == 4) {
            // IPv4-mapped IPv6 address ::ffff:a.b.c.d.
            buf.putLong(offset + 8, 0);
            buf.putShort(offset + 16, (short) 0);
            buf.put(offset + 18, (byte) 0xFF);
            buf.put(offset + 19, (byte) 0xFF);
            buf.put(offset + 20, raw);
            buf.putInt(offset + 24, 0);
        } else {
            buf.put(offset + 8, raw);
            buf.putInt(offset + 24, ip instanceof Inet6Address v6 ? v6.getScopeId() : 0);
        }
        return IN6_BYTES;
    }

    /**
     * Reads the address of {@code length} bytes at {@code offset}.
     *
     * @return the address, or null when it is not an IPv4 or IPv6 socket address
     */
    static InetSocketAddress decode(ByteBuffer buf, int offset, int length) {
        if (length < 2) {
            return null;
        }
        int family = buf.getShort(offset);
        try {
            if (family == Libc.AF_INET && length >= IN4_BYTES) {
                byte[] raw = new byte[4];
                buf.get(offset + 4, raw);
                return new InetSocketAddress(InetAddress.getByAddress(raw), getPort(buf, offset + 2));
            }
            if (family == Libc.AF_INET6 && length >= IN6_BYTES) {
                byte[] raw = new byte[16];
                buf.get(offset + 8, raw);
                int scope = buf.getInt(offset + 24);
                InetAddress ip = InetAddress.getByAddress(raw);
                if (ip instanceof Inet6Address && scope != 0) {
                    ip = Inet6Address.getByAddress(null, raw, scope);
                }
                return new InetSocketAddress(ip, getPort(buf, offset + 2));
            }
        } catch (UnknownHostException e) {
            // Only thrown for a wrong array length, which cannot happen here.
            throw new IllegalStateException(e);
        }
        return null;
    }

    private static void putPort(ByteBuffer buf, int offset, int port) {
        buf.put(offset, (byte) (port >>> 8));
        buf.put(offset + 1, (byte) port);
    }

    private static int getPort(ByteBuffer buf, int offset) {
        return ((buf.get(offset) & 0xFF) << 8) | (buf.get(offset + 1) & 0xFF);
    }
}
