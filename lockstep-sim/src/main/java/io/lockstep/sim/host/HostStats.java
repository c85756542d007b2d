package io.lockstep.sim.host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one reader of Linux's {@code /proc} host and process statistics that benchmarks, the demo
 * and tests print or check beside their results: the load average, the machine's memory, a
 * process's resident set, threads, descriptors and CPU time, and a UDP socket's receive queue.
 * Every reading is taken afresh; where {@code /proc} or the process is missing (not Linux, the
 * process has gone) a reading says so with -1, NaN or null instead of throwing. Stateless and
 * thread-safe.
 */
public final class HostStats {

    private static final Path PROC = Path.of("/proc");

    /**
     * Nanoseconds per clock tick of {@code /proc/PID/stat}'s times: Linux counts them in USER_HZ,
     * 100 a second on every architecture it supports.
     */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private HostStats() {
    }

    /**
     * The 1-, 5- and 15-minute load averages as the kernel prints them ({@code "1.91 0.85 1.31"}),
     * or {@code ifNone} where there are none.
     */
    public static String loadAverages(String ifNone) {
        String[] f = loadAverageFields();
        return f == null ? ifNone : f[0] + " " + f[1] + " " + f[2];
    }

    /** The one-minute load average as the kernel prints it ({@code "1.91"}), or {@code ifNone}. */
    public static String loadOneMinute(String ifNone) {
        String[] f = loadAverageFields();
        return f == null ? ifNone : f[0];
    }

    /** The one-minute load average, or NaN where there is none. */
    public static double loadOneMinute() {
        String[] f = loadAverageFields();
        try {
            return f == null ? Double.NaN : Double.parseDouble(f[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The machine's memory ({@code MemTotal} of {@code /proc/meminfo}), or -1 where it cannot be read. */
    public static long totalRamBytes() {
        return kibibytesField(PROC.resolve("meminfo"), "MemTotal:");
    }

    /** Resident set size ({@code VmRSS} of {@code /proc/PID/status}) of process {@code pid}, or -1. */
    public static long rssBytes(long pid) {
        return kibibytesField(status(pid), "VmRSS:");
    }

    /** Threads ({@code Threads:} of {@code /proc/PID/status}) of process {@code pid}, or -1. */
    public static long threads(long pid) {
        return numberField(status(pid), "Threads:");
    }

    /** Open file descriptors (entries of {@code /proc/PID/fd}) of process {@code pid}, or -1. */
    public static long descriptors(long pid) {
        String[] names = PROC.resolve(Long.toString(pid)).resolve("fd").toFile().list();
        return names == null ? -1 : names.length;
    }

    /**
     * CPU time process {@code pid} has used so far, user and system, from {@code /proc/PID/stat};
     * -1 when it has gone. Counted in clock ticks of 1/100 s, so this has 10 ms resolution.
     */
    public static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // "PID (comm) STATE ...": comm may contain spaces, so count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK; // utime, stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The kernel's view of the IPv4 UDP socket bound to {@code local}: bytes waiting in its
     * receive queue and datagrams dropped because that queue was full, from
     * {@code /proc/net/udp}; null when no such socket is listed (or {@code local} is IPv6).
     */
    public static UdpQueue udpQueue(InetSocketAddress local) {
        byte[] ip = local.getAddress().getAddress();
        if (ip.length != 4) {
            return null;
        }
        // The kernel prints the address as one 32-bit word in the machine's byte order.
        int word = ByteBuffer.wrap(ip).order(ByteOrder.nativeOrder()).getInt();
        String wanted = String.format(Locale.ROOT, "%08X:%04X", word, local.getPort());
        try {
            for (String line : Files.readAllLines(PROC.resolve("net").resolve("udp"))) {
                // "sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops"
                String[] f = line.strip().split("\\s+");
                if (f.length >= 13 && f[1].equals(wanted)) {
                    long rxQueueBytes = Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                    return new UdpQueue(rxQueueBytes, Long.parseLong(f[f.length - 1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or a line we do not understand: no reading.
        }
        return null;
    }

    /** A UDP socket's receive queue ({@code rxQueueBytes}) and the datagrams it dropped so far. */
    public record UdpQueue(long rxQueueBytes, long drops) {
    }

    private static String[] loadAverageFields() {
        try {
            String[] f = Files.readString(PROC.resolve("loadavg")).split(" ");
            return f.length >= 3 ? f : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Path status(long pid) {
        return PROC.resolve(Long.toString(pid)).resolve("status");
    }

    private static long kibibytesField(Path file, String name) {
        long kib = numberField(file, name);
        return kib < 0 ? -1 : kib * 1024;
    }

    /** The digits of the first line of {@code file} that starts with {@code name}, or -1. */
    private static long numberField(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Gone, or not Linux.
        }
        return -1;
    }
}
