package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.ReceiveTimestamps;
import io.lockstep.protocol.Stats;
import io.lockstep.sim.host.HostStats;
import io.lockstep.sim.peers.Chronyc;
import io.lockstep.sim.peers.NtpPeers;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench ntp-server}: Lockstep's NTP server against chronyd on the same machine,
 * measured by the same load generator in the same run. Prints tables, never passes or fails on
 * the numbers. Not thread-safe; one run at a time.
 *
 * <p>Throughput (default): each server is loaded in turn, alternating for several rounds so a
 * burst of unrelated activity on the machine does not favour one; reported are replies per
 * second, loss, reply latency p50/p99 over every reply of the round, and the CPU that the
 * server and the generator each used (in % of one core), so a reader can tell which of them
 * limited the number. Our server's rate limit is off for the run (the generator is one
 * client); chronyd has none unless its {@code ratelimit} directive is configured, and its
 * configuration here has none.
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

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private NtpServerBench() {
    }

    /**
     * What to run.
     *
     * @param durationNanos    load time per round and server (at least 100 ms)
     * @param rounds           alternating rounds per server (1–20)
     * @param window           requests in flight per generator thread (1–4096)
     * @param serverThreads    receiving threads of our server (1–16)
     * @param generatorThreads load-generator threads, each its own client socket (1–16)
     * @param generatorBlocks  generator threads wait for replies in the kernel instead of spinning
     * @param busyPoll         our server spins on its socket instead of blocking
     * @param timestamps       which receive timestamps our server uses (auto: kernel where available)
     * @param accuracy         measure accuracy as seen by chronyd clients instead of throughput
     * @param accuracyNanos    how long each chronyd client follows (at least 10 s)
     */
    public record Options(long durationNanos, int rounds, int window, int serverThreads, int generatorThreads,
                          boolean generatorBlocks, boolean busyPoll, ReceiveTimestamps timestamps, boolean accuracy,
                          long accuracyNanos) {
        public Options {
            java.util.Objects.requireNonNull(timestamps, "timestamps");
            if (durationNanos < 100_000_000L) {
                throw new IllegalArgumentException("--duration must be at least 100ms");
            }
            if (accuracyNanos < 10_000_000_000L) {
                throw new IllegalArgumentException("--accuracy-duration must be at least 10s");
            }
            range("--rounds", rounds, 1, 20);
            range("--window", window, 1, 4096);
            range("--threads", serverThreads, 1, 16);
            range("--generator-threads", generatorThreads, 1, 16);
        }

        /** The defaults of {@code lockstep bench ntp-server}. */
        public static Options defaults() {
            return new Options(8_000_000_000L, 3, 64, 1, 1, false, false, ReceiveTimestamps.AUTO, false,
                    60_000_000_000L);
        }

        private static void range(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " " + value + " is out of range " + min + "-" + max);
            }
        }
    }

    /**
     * Runs the benchmark, printing to {@code out}.
     *
     * @return 0 when it ran, 1 when it could not run (message printed)
     */
    public static int run(PrintStream out, Options o) {
        try {
            if (o.accuracy()) {
                accuracy(out, o);
            } else {
                throughput(out, o);
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

    private static NtpServer startLockstep(Options o) throws IOException {
        return NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).rateLimit(NtpRateLimit.OFF)
                .threads(o.serverThreads()).busyPoll(o.busyPoll()).receiveTimestamps(o.timestamps()).build());
    }

    private static void throughput(PrintStream out, Options o) throws IOException, InterruptedException {
        boolean withChronyd = Files.isExecutable(NtpPeers.CHRONYD);
        String chronydName = withChronyd ? NtpPeers.chronydVersion() : "chronyd";
        NtpLoadGenerator generator = new NtpLoadGenerator(o.window(), o.generatorThreads(), o.generatorBlocks());
        long warmUp = Math.min(2_000_000_000L, o.durationNanos() / 4);
        out.printf(Locale.ROOT, "NTP server throughput on loopback: %d %s generator thread(s), %d requests in flight"
                        + " each, %.1f s per run after %.1f s warm-up, %d round(s); %d core(s), load average %s%n",
                o.generatorThreads(), o.generatorBlocks() ? "blocking" : "spinning", o.window(), o.durationNanos() / 1e9, warmUp / 1e9, o.rounds(),
                Runtime.getRuntime().availableProcessors(), HostStats.loadAverages("unknown"));
        out.printf(Locale.ROOT, "lockstep: %d receive thread(s), %s, %s receive timestamps, rate limit off; %s: local"
                        + " stratum 8, no ratelimit, noclientlog%n", o.serverThreads(),
                o.busyPoll() ? "busy-poll" : "blocking receive", probeTimestamps(o).word(), chronydName);
        out.println();
        Table table = new Table("server", "round", "answered", "replies/s", "loss", "p50", "p99", "server CPU",
                "generator CPU");
        List<NtpLoadResult> ours = new ArrayList<>();
        List<NtpLoadResult> theirs = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> theirsCpu = new ArrayList<>();
        try (NtpPeers peers = new NtpPeers()) {
            Process chronyd = null;
            int chronydPort = 0;
            if (withChronyd) {
                chronydPort = NtpPeers.freeUdpPort();
                // noclientlog: as our server runs with its per-client rate table off, chronyd runs
                // without its per-client access log, as a careful user measuring its top rate would.
                chronyd = peers.startChronyd("bench-server", List.of("port " + chronydPort,
                        "bindaddress 127.0.0.1", "allow 127.0.0.1", "local stratum 8", "cmdport 0", "noclientlog"));
            }
            for (int round = 1; round <= o.rounds(); round++) {
                // Our server runs only during its own turn, so that a busy-polling thread does not
                // take CPU from chronyd's turn.
                try (NtpServer server = startLockstep(o)) {
                    String prefix = "lockstep-ntp-" + server.port() + "-";
                    generator.run(server.localAddress(), 0, warmUp);
                    long cpuBefore = serverThreadsCpuNanos(prefix);
                    NtpLoadResult r = generator.run(server.localAddress(), 0, o.durationNanos());
                    double cpu = (serverThreadsCpuNanos(prefix) - cpuBefore) / (double) r.durationNanos();
                    ours.add(r);
                    oursCpu.add(cpu);
                    row(table, "Lockstep", round, r, cpu);
                }
                if (chronyd != null) {
                    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), chronydPort);
                    generator.run(address, 0, warmUp);
                    long cpuBefore = HostStats.cpuNanos(chronyd.pid());
                    NtpLoadResult c = generator.run(address, 0, o.durationNanos());
                    long cpuAfter = HostStats.cpuNanos(chronyd.pid());
                    double cpu = cpuBefore < 0 || cpuAfter < 0 ? Double.NaN
                            : (cpuAfter - cpuBefore) / (double) c.durationNanos();
                    theirs.add(c);
                    theirsCpu.add(cpu);
                    row(table, chronydName, round, c, cpu);
                }
            }
        }
        table.print(out);
        out.println();
        out.println("CPU in % of one core over the measuring phase: server = our server's receive threads, or the"
                + " chronyd process; generator = all generator threads. Load average after: " + HostStats.loadAverages("unknown"));
        double oursMedian = median(ours);
        if (theirs.isEmpty()) {
            out.printf(Locale.ROOT, "lockstep median %.0f replies/s; chronyd not installed (%s), no comparison%n",
                    oursMedian, NtpPeers.CHRONYD);
        } else {
            double theirsMedian = median(theirs);
            out.printf(Locale.ROOT, "median replies/s: lockstep %.0f, %s %.0f; ratio lockstep/chronyd = %.2f%n",
                    oursMedian, chronydName, theirsMedian, oursMedian / theirsMedian);
        }
        limit(out, "lockstep", o.serverThreads(), ours, oursCpu, o);
        if (!theirs.isEmpty()) {
            limit(out, chronydName, 1, theirs, theirsCpu, o);
        }
    }

    /** Says which side was saturated, from the median CPU figures (90 % of a thread's core counts as full). */
    private static void limit(PrintStream out, String name, int serverThreads, List<NtpLoadResult> results,
                              List<Double> serverCpu, Options o) {
        double server = Stats.of(serverCpu.stream().mapToDouble(Double::doubleValue).toArray()).median();
        double generator = Stats.of(results.stream()
                .mapToDouble(r -> r.generatorCpuNanos() / (double) r.durationNanos()).toArray()).median();
        int cores = Runtime.getRuntime().availableProcessors();
        String verdict;
        if (server >= 0.9 * serverThreads) {
            verdict = "the server is saturated (its thread(s) used their core(s))";
        } else if (generator >= 0.9 * o.generatorThreads()) {
            verdict = "the generator is saturated (its threads used their cores); the server had room";
        } else if (server + generator >= 0.9 * cores) {
            verdict = "the machine is saturated (server + generator use the " + cores + " cores); neither alone";
        } else if (HostStats.loadOneMinute() > cores) {
            verdict = "other processes hold the CPU (load average " + HostStats.loadAverages("unknown") + " on " + cores
                    + " cores): neither side got a full core, so this is not either one's capacity";
        } else {
            verdict = "nothing is saturated: the window, not CPU, limits the rate";
        }
        out.printf(Locale.ROOT, "%s: server CPU %.0f%%, generator CPU %.0f%% (medians) -> %s%n", name, 100 * server,
                100 * generator, verdict);
    }

    private static double median(List<NtpLoadResult> results) {
        return Stats.of(results.stream().mapToDouble(NtpLoadResult::answeredPerSecond).toArray()).median();
    }

    private static void row(Table table, String name, int round, NtpLoadResult r, double serverCpu) {
        table.row(name, round, String.format(Locale.ROOT, "%,d", r.answered()),
                String.format(Locale.ROOT, "%,.0f", r.answeredPerSecond()),
                String.format(Locale.ROOT, "%.2f%%", 100 * r.lossFraction()),
                String.format(Locale.ROOT, "%.1f us", r.p50LatencyNanos() / 1e3),
                String.format(Locale.ROOT, "%.1f us", r.p99LatencyNanos() / 1e3),
                Double.isNaN(serverCpu) ? "?" : String.format(Locale.ROOT, "%.0f%%", 100 * serverCpu),
                String.format(Locale.ROOT, "%.0f%%", 100.0 * r.generatorCpuNanos() / r.durationNanos()));
    }

    /** Which receive timestamps our server gets with these options on this machine (starts and stops one). */
    private static ReceiveTimestamps probeTimestamps(Options o) throws IOException {
        try (NtpServer probe = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .receiveTimestamps(o.timestamps()).warmUp(false).build())) {
            return probe.receiveTimestamps();
        }
    }

    /** CPU time of this JVM's threads whose name starts with {@code prefix} (our server's receive threads). */
    private static long serverThreadsCpuNanos(String prefix) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    private static void accuracy(PrintStream out, Options o) throws IOException, InterruptedException {
        if (!Files.isExecutable(NtpPeers.CHRONYD)) {
            throw new IOException("--accuracy needs chronyd (Debian package chrony) at " + NtpPeers.CHRONYD);
        }
        String chronydName = NtpPeers.chronydVersion();
        out.printf(Locale.ROOT, "NTP server accuracy as seen by a chronyd client (-x, poll 0.25 s) over %.0f s, "
                + "loopback; load average %s%n", o.accuracyNanos() / 1e9, HostStats.loadAverages("unknown"));
        int chronydPort = NtpPeers.freeUdpPort();
        try (NtpPeers peers = new NtpPeers();
             NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                     .threads(o.serverThreads()).busyPoll(o.busyPoll()).receiveTimestamps(o.timestamps()).build())) {
            out.printf(Locale.ROOT, "lockstep: %s receive timestamps%s%s%n", server.receiveTimestamps().word(),
                    server.userStampsReason() != null ? " (" + server.userStampsReason() + ")" : "",
                    o.busyPoll() ? ", busy-poll" : ", blocking receive");
            peers.startChronyd("acc-server", List.of("port " + chronydPort, "bindaddress 127.0.0.1",
                    "allow 127.0.0.1", "local stratum 8", "cmdport 0"));
            String[] names = {"acc-client-lockstep", "acc-client-chronyd"};
            int[] ports = {server.port(), chronydPort};
            Path[] logs = new Path[2];
            for (int i = 0; i < 2; i++) {
                logs[i] = Files.createDirectories(peers.socketPath(names[i]).resolveSibling(names[i] + "-logs"));
                peers.startChronyd(names[i], List.of(
                        "server 127.0.0.1 port " + ports[i] + " iburst minpoll -2 maxpoll -2", "port 0", "cmdport 0",
                        "bindcmdaddress " + peers.socketPath(names[i]), "logdir " + logs[i], "log measurements"));
            }
            Thread.sleep(o.accuracyNanos() / 1_000_000);
            out.println();
            Table table = new Table("server", "selected", "used/all", "median", "p25", "p75", "delay", "estimate",
                    "std dev", "chronyd's ±");
            double[] medians = new double[2];
            for (int i = 0; i < 2; i++) {
                String sources = peers.chronyc(names[i], "sources");
                String stats = peers.chronyc(names[i], "sourcestats");
                String tracking = peers.chronyc(names[i], "tracking");
                var row = Chronyc.sourceStats(stats, "127.0.0.1");
                Path log = logs[i].resolve("measurements.log");
                List<double[]> used = measurements(log, true);
                int logged = measurements(log, false).size();
                double[] offsetsUs = used.stream().mapToDouble(r -> r[0]).sorted().toArray();
                double[] delaysUs = used.stream().mapToDouble(r -> r[1]).sorted().toArray();
                medians[i] = quantile(offsetsUs, 0.5);
                table.row(i == 0 ? "Lockstep" : chronydName, Chronyc.selected(sources, "127.0.0.1") ? "yes" : "NO",
                        offsetsUs.length + "/" + logged, usSigned(medians[i]), usSigned(quantile(offsetsUs, 0.25)),
                        usSigned(quantile(offsetsUs, 0.75)), usSigned(quantile(delaysUs, 0.5)).replace("+", ""),
                        Chronyc.localMinusServerNanos(tracking).map(n -> us(n, true)).orElse("?"),
                        row.map(r -> us(r.stdDevNanos(), false)).orElse("?"),
                        Chronyc.errorBoundNanos(sources).map(n -> us(n, false)).orElse("?"));
            }
            table.print(out);
            out.println();
            out.printf(Locale.ROOT, "Lockstep median - %s median: %+.1f us%n", chronydName, medians[0] - medians[1]);
            out.println("median, p25, p75: of the offsets the chronyd client measured and used (passed all its tests;"
                    + " used/all counts them), its local clock - server (-x never steers the clock, so each is raw);"
                    + " delay: median round trip of those; estimate: chronyd's own filtered offset at the end (chronyc"
                    + " tracking); std dev: chronyc sourcestats; ±: chronyc sources error bound");
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
            if (f.length < 13 || !f[0].matches("\\d{4}-\\d\\d-\\d\\d")
                    || usedOnly && !(f[5] + f[6] + f[7]).matches("1+")) {
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

    private static double quantile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : io.lockstep.protocol.Stats.percentile(sorted, sorted.length, q);
    }

    private static String usSigned(double micros) {
        return Double.isNaN(micros) ? "?" : String.format(Locale.ROOT, "%+.1f us", micros);
    }

    private static String us(long nanos, boolean signed) {
        return String.format(Locale.ROOT, signed ? "%+.1f us" : "%.1f us", nanos / 1e3);
    }
}
