package io.lockstep.linux;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;

import io.lockstep.net.DatagramTransport;
import io.lockstep.net.StampedDatagramSocket;

/**
 * The {@link DatagramTransport} of 64-bit Linux: UDP sockets whose datagrams the kernel stamps
 * on arrival (SO_TIMESTAMPNS, read from recvmsg's control message), called through JNA.
 * Registered in {@code META-INF/services}; lockstep-core finds it with {@code ServiceLoader}.
 * Stateless and thread-safe.
 *
 * <p>Why JNA and not the FFM API: Lockstep targets Java 17, where FFM is an incubator module
 * (different in every release until 22, and it needs {@code --add-modules} and
 * {@code --enable-native-access} on every command line). JNA works on 17 and later unchanged,
 * ships its native stub for the platforms enabled here inside its jar, and keeps native code out
 * of core, which stays dependency-free. On another OS or architecture, or when JNA's native
 * library cannot load, {@link #bind} throws {@link UnsupportedOperationException} without
 * touching native code, and the server falls back to user-space stamps.
 */
public final class LinuxTimestampingTransport implements DatagramTransport {

    /** {@code os.arch} values whose socket ABI {@link Libc} describes. */
    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64", "riscv64");

    /** For {@link java.util.ServiceLoader}. */
    public LinuxTimestampingTransport() {
    }

    @Override
    public String description() {
        return "SO_TIMESTAMPNS via JNA";
    }

    @Override
    public StampedDatagramSocket bind(InetSocketAddress address, int receiveBufferBytes) throws IOException {
        String unsupported = unsupportedReason(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (unsupported != null) {
            throw new UnsupportedOperationException(unsupported);
        }
        try {
            return LinuxStampedSocket.open(address, receiveBufferBytes);
        } catch (LinkageError e) {
            // JNA's native stub missing or refused (e.g. noexec /tmp): no kernel stamps here.
            throw new UnsupportedOperationException("JNA cannot load its native library: " + e.getMessage(), e);
        }
    }

    /** Why this platform is not supported, or null when it is. */
    static String unsupportedReason(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "kernel receive timestamps are implemented for Linux only, not " + osName;
        }
        if (!ARCHITECTURES.contains(osArch.toLowerCase(Locale.ROOT))) {
            return "kernel receive timestamps are implemented for 64-bit Linux on x86-64, AArch64 and RISC-V, not "
                    + osArch;
        }
        return null;
    }
}
