package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lockstep.ntp.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.ReceiveTimestamps;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench ntp-server}: Lockstep's NTP server against chronyd on the same machine,
 * measured by the same load generator in the same run. Prints tables, never passes or fails on
 * the numbers. Not thread-safe; one run at a time.
 *
 * <p>Throughput (default): each server is loaded in turn, alternating for several rounds so a
 * burst of unrelated activity on the machine does not favour one; reported are replies per
 * second, loss and reply latency p50/p99, and the ratio of the medians. Our server's rate
 * limit is off for the run (the generator is one client); chronyd has none unless its
 * {@code ratelimit} directive is configured, and its configuration here has none.
 *
 * <p>Accuracy ({@code --accuracy}): a chronyd client ({@code -x}, polling every 0.25 s) follows
 * our server and another one follows a chronyd server, side by side for the given time; their
 * view of each server is printed: the median and quartiles of every offset the client measured
 * (from its measurements log), its standard deviation and error bound, and the difference of the
 * two medians — how far the client sees our server from where it sees chronyd. Which receive
 * timestamps our server used ({@code --timestamps}, default auto: kernel where available) is
 * printed in the header.
 */
public final class NtpServerBench {

    private static final String USAGE = "usage: lockstep bench ntp-server [--duration D] [--rounds N] [--window N] "
            + "[--threads N] [--busy-poll] [--timestamps auto|kernel|user] [--accuracy [--accuracy-duration D]]";

    private NtpServerBench() {
    }

    /** Options parsed from the command line. */
    private record Options(long durationNanos, int rounds, int window, int threads, boolean busyPoll,
                           ReceiveTimestamps timestamps, boolean accuracy, long accuracyNanos) {
    }

    /**
     * Runs the benchmark with command-line style arguments, printing to {@code out}.
     *
     * @return 0 when it ran, 2 for bad arguments, 1 when it could not run (message printed)
     */
    public static int run(PrintStream out, String... args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            out.println("lockstep bench ntp-server: " + e.getMessage());
            out.println(USAGE);
            return 2;
        }
        try {
            Path dir = Files.createTempDirectory("lockstep-bench-ntp");
            try {
                if (o.accuracy()) {
                    accuracy(out, o, dir);
                } else {
                    throughput(out, o, dir);
                }
            } finally {
                deleteTree(dir);
            }
            return 0;
        } catch (IOException e) {
            out.println("lockstep bench ntp-server: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("lockstep bench ntp-server: interrupted");
            return 1;
        }
    }

    private static Options parse(String... args) {
        long duration = 8_000_000_000L;
        int rounds = 3;
        int window = 64;
        int threads = 1;
        boolean busyPoll = false;
        ReceiveTimestamps timestamps = ReceiveTimestamps.AUTO;
        boolean accuracy = false;
        long accuracyNanos = 60_000_000_000L;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--duration" -> duration = Durations.parseNanos(value(args, ++i, a));
                case "--rounds" -> rounds = intValue(value(args, ++i, a), a, 1, 20);
                case "--window" -> window = intValue(value(args, ++i, a), a, 1, 4096);
                case "--threads" -> threads = intValue(value(args, ++i, a), a, 1, 16);
                case "--busy-poll" -> busyPoll = true;
                case "--timestamps" -> timestamps = timestamps(value(args, ++i, a));
                case "--accuracy" -> accuracy = true;
                case "--accuracy-duration" -> accuracyNanos = Durations.parseNanos(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (duration < 100_000_000L) {
            throw new IllegalArgumentException("--duration must be at least 100ms");
        }
        if (accuracyNanos < 10_000_000_000L) {
            throw new IllegalArgumentException("--accuracy-duration must be at least 10s");
        }
        return new Options(duration, rounds, window, threads, busyPoll, timestamps, accuracy, accuracyNanos);
    }

    private static ReceiveTimestamps timestamps(String text) {
        return switch (text) {
            case "auto" -> ReceiveTimestamps.AUTO;
            case "kernel" -> ReceiveTimestamps.KERNEL;
            case "user" -> ReceiveTimestamps.USER;
            default -> throw new IllegalArgumentException("--timestamps must be auto, kernel or user, not '" + text + "'");
        };
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int intValue(String text, String option, int min, int max) {
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw new IllegalArgumentException(option + " " + v + " is out of range " + min + "-" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not '" + text + "'");
        }
    }

    private static NtpServer startLockstep(Options o) throws IOException {
        return NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).rateLimit(NtpRateLimit.OFF)
                .threads(o.threads()).busyPoll(o.busyPoll()).receiveTimestamps(o.timestamps()).build());
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void throughput(PrintStream out, Options o, Path dir) throws IOException, InterruptedException {
        boolean withChronyd = ChronydProcess.installed();
        String chronydName = withChronyd ? ChronydProcess.version() : "chronyd";
        NtpLoadGenerator generator = new NtpLoadGenerator(o.window());
        long warmUp = Math.min(2_000_000_000L, o.durationNanos() / 4);
        out.printf(Locale.ROOT, "NTP server throughput on loopback: one generator thread, %d requests in flight, "
                        + "%.1f s per run after %.1f s warm-up, %d round(s); %d core(s)%n", o.window(),
                o.durationNanos() / 1e9, warmUp / 1e9, o.rounds(),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "lockstep: %d thread(s), %s, %s receive timestamps, rate limit off; %s: local stratum 8, "
                        + "no ratelimit%n", o.threads(), o.busyPoll() ? "busy-poll" : "blocking receive",
                probeTimestamps(o).word(), chronydName);
        out.println();
        out.printf(Locale.ROOT, "%-14s %5s %10s %10s %11s %7s %9s %9s%n", "server", "round", "sent", "answered",
                "replies/s", "loss", "p50 us", "p99 us");
        List<NtpLoadResult> ours = new ArrayList<>();
        List<NtpLoadResult> theirs = new ArrayList<>();
        ChronydProcess chronyd = null;
        int chronydPort = 0;
        try {
            if (withChronyd) {
                chronydPort = freeUdpPort();
                chronyd = ChronydProcess.start(dir, "bench-server", List.of("port " + chronydPort,
                        "bindaddress 127.0.0.1", "allow 127.0.0.1", "local stratum 8", "cmdport 0"));
            }
            for (int round = 1; round <= o.rounds(); round++) {
                // Our server runs only during its own turn, so that a busy-polling thread does not
                // take CPU from chronyd's turn.
                try (NtpServer server = startLockstep(o)) {
                    NtpLoadResult r = generator.run(server.localAddress(), warmUp, o.durationNanos());
                    ours.add(r);
                    row(out, "lockstep", round, r);
                }
                if (chronyd != null) {
                    NtpLoadResult c = generator.run(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            chronydPort), warmUp, o.durationNanos());
                    theirs.add(c);
                    row(out, chronydName, round, c);
                }
            }
        } finally {
            if (chronyd != null) {
                chronyd.close();
            }
        }
        out.println();
        double oursMedian = median(ours);
        if (theirs.isEmpty()) {
            out.printf(Locale.ROOT, "lockstep median %.0f replies/s; chronyd not installed (%s), no comparison%n",
                    oursMedian, ChronydProcess.CHRONYD);
        } else {
            double theirsMedian = median(theirs);
            out.printf(Locale.ROOT, "median replies/s: lockstep %.0f, %s %.0f; ratio lockstep/chronyd = %.2f%n",
                    oursMedian, chronydName, theirsMedian, oursMedian / theirsMedian);
        }
    }

    private static double median(List<NtpLoadResult> results) {
        List<Double> v = new ArrayList<>(results.stream().map(NtpLoadResult::answeredPerSecond).toList());
        v.sort(Comparator.naturalOrder());
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static void row(PrintStream out, String name, int round, NtpLoadResult r) {
        out.printf(Locale.ROOT, "%-14s %5d %10d %10d %11.0f %6.2f%% %9.1f %9.1f%n", name, round, r.sent(),
                r.answered(), r.answeredPerSecond(), 100 * r.lossFraction(), r.p50LatencyNanos() / 1e3,
                r.p99LatencyNanos() / 1e3);
        out.flush();
    }

    /** Which receive timestamps our server gets with these options on this machine (starts and stops one). */
    private static ReceiveTimestamps probeTimestamps(Options o) throws IOException {
        try (NtpServer probe = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .receiveTimestamps(o.timestamps()).warmUp(false).build())) {
            return probe.receiveTimestamps();
        }
    }

    private static void accuracy(PrintStream out, Options o, Path dir) throws IOException, InterruptedException {
        if (!ChronydProcess.installed()) {
            throw new IOException("--accuracy needs chronyd (Debian package chrony) at " + ChronydProcess.CHRONYD);
        }
        String chronydName = ChronydProcess.version();
        out.printf(Locale.ROOT, "NTP server accuracy as seen by a chronyd client (-x, poll 0.25 s) over %.0f s, "
                + "loopback; %d core(s), load average %s%n", o.accuracyNanos() / 1e9,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        int chronydPort = freeUdpPort();
        List<ChronydProcess> started = new ArrayList<>();
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .threads(o.threads()).busyPoll(o.busyPoll()).receiveTimestamps(o.timestamps()).build())) {
            out.printf(Locale.ROOT, "lockstep: %s receive timestamps%s%s%n", server.receiveTimestamps().word(),
                    server.userStampsReason() != null ? " (" + server.userStampsReason() + ")" : "",
                    o.busyPoll() ? ", busy-poll" : ", blocking receive");
            started.add(ChronydProcess.start(dir, "acc-server", List.of("port " + chronydPort, "bindaddress 127.0.0.1",
                    "allow 127.0.0.1", "local stratum 8", "cmdport 0")));
            String[] names = {"acc-client-lockstep", "acc-client-chronyd"};
            int[] ports = {server.port(), chronydPort};
            for (int i = 0; i < 2; i++) {
                Path logs = Files.createDirectories(dir.resolve(names[i] + "-logs"));
                started.add(ChronydProcess.start(dir, names[i], List.of(
                        "server 127.0.0.1 port " + ports[i] + " iburst minpoll -2 maxpoll -2", "port 0", "cmdport 0",
                        "bindcmdaddress " + ChronydProcess.socketPath(dir, names[i]),
                        "logdir " + logs, "log measurements")));
            }
            Thread.sleep(o.accuracyNanos() / 1_000_000);
            out.println();
            out.printf(Locale.ROOT, "%-20s %9s %9s %10s %10s %10s %10s %12s %11s %9s%n", "server", "selected",
                    "used/all", "median us", "p25 us", "p75 us", "delay us", "estimate us", "std dev us", "+/- us");
            double[] medians = new double[2];
            for (int i = 0; i < 2; i++) {
                ChronydProcess client = started.get(i + 1);
                String sources = client.chronyc("sources");
                String stats = client.chronyc("sourcestats");
                String tracking = client.chronyc("tracking");
                Matcher sys = Pattern.compile("System time\\s*:\\s*([0-9.]+) seconds (slow|fast)").matcher(tracking);
                double estimateUs = sys.find()
                        ? Double.parseDouble(sys.group(1)) * 1e6 * (sys.group(2).equals("fast") ? 1 : -1) : Double.NaN;
                boolean selected = sources.lines().anyMatch(l -> l.startsWith("^* 127.0.0.1"));
                String[] f = stats.lines().filter(l -> l.startsWith("127.0.0.1")).findFirst().orElse("")
                        .trim().split("\\s+");
                Path log = dir.resolve(names[i] + "-logs").resolve("measurements.log");
                List<double[]> m = measurements(log, true);
                int logged = measurements(log, false).size();
                List<Double> offsets = new ArrayList<>(m.stream().map(r -> r[0]).sorted().toList());
                List<Double> delays = new ArrayList<>(m.stream().map(r -> r[1]).sorted().toList());
                medians[i] = quantile(offsets, 0.5);
                Matcher err = Pattern.compile("\\+/-\\s+(\\S+)").matcher(sources);
                out.printf(Locale.ROOT, "%-20s %9s %9s %10.1f %10.1f %10.1f %10.1f %12.1f %11s %9s%n",
                        i == 0 ? "lockstep" : chronydName, selected ? "yes" : "NO", offsets.size() + "/" + logged, medians[i],
                        quantile(offsets, 0.25), quantile(offsets, 0.75), quantile(delays, 0.5), estimateUs,
                        f.length > 7 ? micros(f[7]) : "?", err.find() ? micros(err.group(1)) : "?");
            }
            out.println();
            out.printf(Locale.ROOT, "lockstep median - %s median: %+.1f us%n", chronydName, medians[0] - medians[1]);
            out.println("median, p25, p75: of the offsets the chronyd client measured and used (passed all its tests; used/all"
                    + " counts them), its local clock - server (-x never steers the clock, so each is raw); delay: median"
                    + " round trip of those; estimate: chronyd's own"
                    + " filtered offset at the end (chronyc tracking); std dev: chronyc sourcestats; +/-: chronyc"
                    + " sources error bound");
        } finally {
            for (ChronydProcess c : started) {
                c.close();
            }
        }
    }

    /**
     * Reads a chronyd measurements log: for each measurement (only those that passed all of
     * chronyd's tests, i.e. that it used, when {@code usedOnly}), {offset in µs as local − server,
     * peer delay in µs}. chronyd logs the offset with the opposite sign (positive when the local
     * clock is slow), hence the negation.
     */
    static List<double[]> measurements(Path log, boolean usedOnly) throws IOException {
        List<double[]> rows = new ArrayList<>();
        if (!Files.exists(log)) {
            return rows;
        }
        for (String line : Files.readAllLines(log)) {
            String[] f = line.trim().split("\\s+");
            // Date Time IP L St 123 567 ABCD LP RP Score Offset PeerDelay ...
            if (f.length < 13 || !f[0].matches("\\d{4}-\\d\\d-\\d\\d") || usedOnly && !(f[5] + f[6] + f[7]).matches("1+")) {
                continue;
            }
            try {
                rows.add(new double[] {-Double.parseDouble(f[11]) * 1e6, Double.parseDouble(f[12]) * 1e6});
            } catch (NumberFormatException e) {
                // Not a measurement line.
            }
        }
        return rows;
    }

    private static double quantile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftover temporary files are harmless.
        }
    }

    private static String micros(String chronyDuration) {
        Matcher m = Pattern.compile("([+-]?[0-9.]+)(ns|us|ms|s)").matcher(chronyDuration);
        if (!m.matches()) {
            return chronyDuration;
        }
        double scale = switch (m.group(2)) {
            case "ns" -> 1e-3;
            case "us" -> 1;
            case "ms" -> 1e3;
            default -> 1e6;
        };
        return String.format(Locale.ROOT, "%.1f", Double.parseDouble(m.group(1)) * scale);
    }
}
