package io.lockstep.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few C library socket calls the transport needs, bound with JNA's direct mapping (the
 * cheapest JNA call: no reflection or argument boxing per call), and the Linux constants that go
 * with them. Stateless; the calls are as thread-safe as the C library's. Loading this class loads
 * JNA's native library, so {@link LinuxTimestampingTransport} checks the platform first.
 *
 * <p>Constants are those of 64-bit Linux on x86-64, AArch64 and RISC-V (the asm-generic socket
 * numbering); other architectures number some socket options differently and are not enabled.
 * Errors: a call returns −1 and {@link Native#getLastError()} holds {@code errno}; no exception
 * is thrown per call, so an empty non-blocking poll costs no allocation.
 */
final class Libc {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    /** Asks for a {@code struct timespec} (CLOCK_REALTIME) with each received datagram. */
    static final int SO_TIMESTAMPNS = 35;
    /** The control-message type that carries it (same number as the option). */
    static final int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;
    static final int MSG_CTRUNC = 0x08;
    static final int MSG_DONTWAIT = 0x40;
    static final int SHUT_RDWR = 2;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBADF = 9;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Libc() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, Pointer value, int valueBytes);

    static native int bind(int fd, Pointer address, int addressBytes);

    static native int getsockname(int fd, Pointer address, Pointer addressBytesInOut);

    /*
     * The per-datagram calls take pointers as raw 64-bit addresses (long), not Pointer objects, so
     * that a call allocates nothing. On the 64-bit ABIs enabled (System V x86-64, AAPCS64, RISC-V
     * LP64) a pointer and a 64-bit integer argument travel in the same kind of register, and
     * ssize_t and size_t are 64-bit.
     */

    /** {@code ssize_t recvmsg(int fd, struct msghdr *message, int flags)}. */
    static native long recvmsg(int fd, long messageAddress, int flags);

    /** {@code ssize_t sendto(int fd, const void *data, size_t bytes, int flags, const struct sockaddr *to, socklen_t)}. */
    static native long sendto(int fd, long dataAddress, long dataBytes, int flags, long toAddress, int toBytes);

    static native int shutdown(int fd, int how);

    static native int close(int fd);

    /** strerror-like text for the errno values a socket reports, without another native call. */
    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted";
            case 9 -> "bad file descriptor";
            case 13 -> "permission denied";
            case 22 -> "invalid argument";
            case 24 -> "too many open files";
            case 90 -> "message too long";
            case 97 -> "address family not supported";
            case 98 -> "Address already in use";
            case 99 -> "cannot assign requested address";
            case 101 -> "network is unreachable";
            case 105 -> "no buffer space available";
            default -> "errno " + errno;
        };
    }
}
