package io.lockstep.sim.peers;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code chronyc -n sources | sourcestats | tracking} (chrony 4.x), the one
 * parser the interop tests and the NTP benchmark share. Stateless and thread-safe.
 */
public final class Chronyc {

    private static final Pattern DURATION = Pattern.compile("([+-]?[0-9.]+)(ns|us|ms|s)");
    private static final Pattern SYSTEM_TIME =
            Pattern.compile("System time\\s*:\\s*([0-9.]+) seconds (slow|fast) of NTP time");
    private static final Pattern ERROR_BOUND = Pattern.compile("\\+/-\\s+(\\S+)");

    private Chronyc() {
    }

    /**
     * One row of {@code chronyc sourcestats}.
     *
     * @param samples     NP: samples chronyd keeps for the source (after its runs test)
     * @param stdDevNanos its estimate of the standard deviation of the samples
     */
    public record SourceStats(int samples, long stdDevNanos) {
    }

    /** Parses chronyc's compact durations: {@code +44ns}, {@code 989ns}, {@code -12us}, {@code +2500us}, {@code -2.5ms}. */
    public static long durationNanos(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a chronyc duration: " + text);
        }
        double scale = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }

    /** True when {@code sources} shows {@code address} selected ({@code ^*}). */
    public static boolean selected(String sources, String address) {
        return sources.lines().anyMatch(l -> l.startsWith("^* " + address));
    }

    /** The {@code +/-} error bound of the first source in {@code sources}. */
    public static Optional<Long> errorBoundNanos(String sources) {
        Matcher m = ERROR_BOUND.matcher(sources);
        return m.find() ? Optional.of(durationNanos(m.group(1))) : Optional.empty();
    }

    /** The row of {@code address} in {@code sourcestats} (Name NP NR Span Frequency FreqSkew Offset StdDev). */
    public static Optional<SourceStats> sourceStats(String sourcestats, String address) {
        return sourcestats.lines().filter(l -> l.startsWith(address)).findFirst().map(row -> {
            String[] f = row.trim().split("\\s+");
            if (f.length < 8) {
                throw new IllegalArgumentException("short sourcestats row: " + row);
            }
            return new SourceStats(Integer.parseInt(f[1]), durationNanos(f[7]));
        });
    }

    /**
     * {@code local − server} from {@code tracking}'s "System time" line. With {@code -x} chronyd
     * never applies its corrections, so that line is the whole correction it wants: how far this
     * host's clock is from the server by chronyd's estimate ("fast" is positive).
     */
    public static Optional<Long> localMinusServerNanos(String tracking) {
        Matcher m = SYSTEM_TIME.matcher(tracking);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(Math.round(Double.parseDouble(m.group(1)) * 1e9) * (m.group(2).equals("fast") ? 1 : -1));
    }
}
