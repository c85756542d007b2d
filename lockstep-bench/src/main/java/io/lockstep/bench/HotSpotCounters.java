package io.lockstep.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads another HotSpot JVM's performance counters from its {@code hsperfdata} file (the file
 * {@code jstat} reads), so a benchmark can sample a server's heap every few milliseconds without
 * attaching to it: attaching (jcmd) starts a thread in the target and a whole JVM on our side,
 * which would disturb what is being measured. Not thread-safe; use one instance per thread.
 *
 * <p>The file is the JVM's shared-memory counter region (format version 2): a 32-byte prologue
 * (magic {@code 0xcafec0c0}, byte order, version, used bytes, entry offset and count) followed by
 * entries, each a 20-byte header (length, name offset, vector length, type, flags, units,
 * variability, data offset), a NUL-terminated name and the data. Only {@code long} counters are
 * read. The target writes while we read, so a value may be a few ms old; never torn in a way
 * that matters for memory sizes sampled at this rate.
 */
public final class HotSpotCounters {

    private static final int MAGIC = 0xcafec0c0;
    private static final int PROLOGUE_BYTES = 32;
    private static final int ENTRY_HEADER_BYTES = 20;

    private final Path file;

    private HotSpotCounters(Path file) {
        this.file = file;
    }

    /**
     * The counters of process {@code pid}, found where HotSpot puts them
     * ({@code java.io.tmpdir/hsperfdata_USER/PID}); null when the file is missing, e.g. when the
     * target runs with {@code -XX:-UsePerfData} or a different temporary directory.
     */
    public static HotSpotCounters of(long pid) {
        Path f = Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"),
                Long.toString(pid));
        return Files.isReadable(f) ? new HotSpotCounters(f) : null;
    }

    /** Every {@code long} counter by name, read now. */
    public Map<String, Long> read() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < PROLOGUE_BYTES || b.getInt(0) != MAGIC) {
            throw new IOException("not a HotSpot performance data file: " + file);
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int used = Math.min(b.getInt(8), b.capacity());
        int entryOffset = b.getInt(24);
        int entries = b.getInt(28);
        Map<String, Long> values = new HashMap<>();
        int at = entryOffset;
        for (int i = 0; i < entries && at + ENTRY_HEADER_BYTES <= used; i++) {
            int length = b.getInt(at);
            int nameOffset = b.getInt(at + 4);
            int vectorLength = b.getInt(at + 8);
            byte type = b.get(at + 12);
            int dataOffset = b.getInt(at + 16);
            if (length <= 0 || at + length > used) {
                break;
            }
            if (type == 'J' && vectorLength == 0 && dataOffset + 8 <= length) {
                values.put(name(b, at + nameOffset, at + length), b.getLong(at + dataOffset));
            }
            at += length;
        }
        return values;
    }

    /**
     * The Java heap now: bytes used (live and garbage not yet collected) and committed (backed by
     * memory the JVM reserved for the heap), summed over every generation as {@code jstat -gc}
     * does; works for the Serial, Parallel and G1 collectors.
     */
    public Heap heap() throws IOException {
        Map<String, Long> v = read();
        long usedBytes = 0;
        long committedBytes = 0;
        for (Map.Entry<String, Long> e : v.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("sun.gc.generation.")) {
                continue;
            }
            // sun.gc.generation.N.capacity (committed) and sun.gc.generation.N.space.M.used.
            String rest = k.substring("sun.gc.generation.".length());
            int dot = rest.indexOf('.');
            String tail = dot < 0 ? "" : rest.substring(dot + 1);
            if (tail.equals("capacity")) {
                committedBytes += e.getValue();
            } else if (tail.startsWith("space.") && tail.endsWith(".used")) {
                usedBytes += e.getValue();
            }
        }
        Long metaspaceUsed = v.get("sun.gc.metaspace.used");
        return new Heap(usedBytes, committedBytes, metaspaceUsed == null ? -1 : metaspaceUsed);
    }

    /** One reading of the heap, in bytes; {@code metaspaceUsedBytes} is -1 when not reported. */
    public record Heap(long usedBytes, long committedBytes, long metaspaceUsedBytes) {
    }

    /**
     * Stop-the-world collections so far: young (collector 0) and full (collector 1) for Serial,
     * Parallel and G1 (whose concurrent cycles, collector 2, do not stop the application and are
     * left out), and the total time they paused the application.
     */
    public Pauses pauses() throws IOException {
        Map<String, Long> v = read();
        long ticksPerSecond = v.getOrDefault("sun.os.hrt.frequency", 1_000_000_000L);
        long count = 0;
        long ticks = 0;
        for (int c = 0; c <= 1; c++) {
            count += v.getOrDefault("sun.gc.collector." + c + ".invocations", 0L);
            ticks += v.getOrDefault("sun.gc.collector." + c + ".time", 0L);
        }
        return new Pauses(count, (long) (ticks * (1e9 / ticksPerSecond)));
    }

    /** Collections that paused the application, and their total pause time. */
    public record Pauses(long count, long totalNanos) {
    }

    private static String name(ByteBuffer b, int from, int limit) {
        int end = from;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - from];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
