package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.lockstep.net.Addresses;
import io.lockstep.protocol.Target;
import io.lockstep.sim.host.HostStats;

/**
 * {@code lockstep bench attack}: how much memory {@code lockstep serve} uses under attack, and
 * what an honest client sees meanwhile. For every JVM flag set and attack it starts a fresh
 * server as a separate JVM ({@link ServerProcess}, so the resident set is the server's own),
 * lets it settle, attacks it from this process over loopback ({@link LoopbackAttacks}) while an
 * {@link HonestClient} measures it, pauses, and reports the resident set size (RSS) and Java heap
 * before, at their peak during the attack and pause, and after; then the live heap after a full
 * collection, which tells a leak (live heap grows) from JVM slack (committed heap grows, live
 * heap does not). Optional class histograms and native-memory summaries say where the memory
 * went. Prints tables; never passes or fails. Not thread-safe; one run at a time.
 */
public final class AttackBench {

    /**
     * The flags recommended for small devices such as a Raspberry Pi, and what {@code ./lockstep
     * serve} uses unless {@code LOCKSTEP_JAVA_OPTS} is set (see docs/reliability/memory.md for what each saves).
     */
    public static final String SMALL_DEVICE_FLAGS =
            "-XX:+UseSerialGC -Xmx32m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";

    private static final long SAMPLE_EVERY_MILLIS = 20;
    private static final long MIB = 1024 * 1024;

    private AttackBench() {
    }

    /** The attacks. */
    public enum Attack {
        /** NTP requests from many distinct source addresses. */
        NTP_FLOOD("ntp-flood", "ntp"),
        /** Time Echo connections opened, used once and closed, at a high rate. */
        ECHO_CHURN("echo-churn", "echo"),
        /** Time Echo connections opened and held, silent. */
        ECHO_IDLE("echo-idle", "echo");

        private final String label;
        private final String protocol;

        Attack(String label, String protocol) {
            this.label = label;
            this.protocol = protocol;
        }

        /** The name used on the command line and in tables. */
        public String label() {
            return label;
        }

        /** The attack named {@code label}. */
        public static Attack of(String label) {
            for (Attack a : values()) {
                if (a.label.equals(label)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown attack '" + label + "' (ntp-flood, echo-churn, echo-idle)");
        }
    }

    /**
     * What to run.
     *
     * @param attacks              attacks, in order
     * @param jvms                 JVM flag sets by label, each attack runs once per set
     * @param ntpSources           distinct source addresses of the NTP flood
     * @param ntpRequestsPerSource requests each flood source sends
     * @param churnConnections     Time Echo connections opened and closed in the churn
     * @param churnSources         distinct source addresses they come from
     * @param idleConnections      Time Echo connections held open
     * @param idleHoldNanos        how long they are held
     * @param threads              attacking threads for the flood and the churn
     * @param settleNanos          wait after the server starts, before measuring "before"
     * @param pauseNanos           wait after the attack, before measuring "after"
     * @param maxAttackNanos       an attack stops here even when unfinished (and says so in its load)
     * @param histogram            print the classes whose live bytes grew the most
     * @param nativeMemory         run servers with native memory tracking and print its categories
     */
    public record Options(List<Attack> attacks, Map<String, List<String>> jvms, int ntpSources, int ntpRequestsPerSource,
                          int churnConnections, int churnSources, int idleConnections, long idleHoldNanos, int threads,
                          long settleNanos, long pauseNanos, long maxAttackNanos, boolean histogram,
                          boolean nativeMemory) {
        public Options {
            attacks = List.copyOf(attacks);
            jvms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jvms));
            if (attacks.isEmpty() || jvms.isEmpty()) {
                throw new IllegalArgumentException("need at least one attack and one JVM flag set");
            }
            check(ntpSources, 1, LoopbackAttacks.MAX_SOURCES, "--ntp-sources");
            check(ntpRequestsPerSource, 1, 1000, "--ntp-requests-per-source");
            check(churnConnections, 1, 10_000_000, "--churn-connections");
            check(churnSources, 1, 55 * LoopbackAttacks.SOURCES_PER_BLOCK, "--churn-sources");
            check(idleConnections, 1, 50 * LoopbackAttacks.SOURCES_PER_BLOCK, "--idle-connections");
            check(threads, 1, 64, "--threads");
            if (idleHoldNanos < 100_000_000L || settleNanos < 0 || pauseNanos < 0 || maxAttackNanos < 100_000_000L) {
                throw new IllegalArgumentException("--idle-hold and --max-attack-time must be at least 100ms; waits not negative");
            }
        }

        private static void check(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " " + value + " is out of range " + min + "-" + max);
            }
        }

        /** The default JVM flag sets: none (the JVM's own choice for this machine), and {@link #SMALL_DEVICE_FLAGS}. */
        public static Map<String, List<String>> defaultJvms() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            m.put("default", List.of());
            m.put("small", splitFlags(SMALL_DEVICE_FLAGS));
            return m;
        }
    }

    /** Splits a flag string at whitespace (no quoting: JVM flags have no spaces). */
    public static List<String> splitFlags(String flags) {
        String s = flags.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }

    /** One point in time: resident set size and heap (used, committed); -1 where unknown. */
    private record Reading(long rssBytes, long heapUsedBytes, long heapCommittedBytes) {
        static Reading of(ServerProcess s) {
            HotSpotCounters.Heap h = s.heap();
            return new Reading(s.rssBytes(), h == null ? -1 : h.usedBytes(), h == null ? -1 : h.committedBytes());
        }
    }

    /**
     * Samples a server's RSS and heap on its own thread and keeps the peaks; for an NTP attack
     * also the server socket's receive queue (every tenth sample: the whole UDP table is read).
     */
    private static final class PeakSampler implements AutoCloseable {
        private final ServerProcess server;
        private final InetSocketAddress udpSocket;
        private final Thread thread;
        private volatile boolean stopping;
        private volatile long udpQueuePeakBytes = -1;
        private volatile long rssPeakBytes = -1;
        private volatile long heapUsedPeakBytes = -1;
        private volatile long heapCommittedPeakBytes = -1;

        /** @param udpSocket the server's NTP socket to watch, or null for none */
        PeakSampler(ServerProcess server, InetSocketAddress udpSocket) {
            this.server = server;
            this.udpSocket = udpSocket;
            this.thread = new Thread(this::sample, "lockstep-attack-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            for (long n = 0; !stopping; n++) {
                if (udpSocket != null && n % 10 == 0) {
                    HostStats.UdpQueue q = HostStats.udpQueue(udpSocket);
                    if (q != null) {
                        udpQueuePeakBytes = Math.max(udpQueuePeakBytes, q.rxQueueBytes());
                    }
                }
                Reading r = Reading.of(server);
                rssPeakBytes = Math.max(rssPeakBytes, r.rssBytes());
                heapUsedPeakBytes = Math.max(heapUsedPeakBytes, r.heapUsedBytes());
                heapCommittedPeakBytes = Math.max(heapCommittedPeakBytes, r.heapCommittedBytes());
                try {
                    Thread.sleep(SAMPLE_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Reading peak() {
            return new Reading(rssPeakBytes, heapUsedPeakBytes, heapCommittedPeakBytes);
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(2_000);
        }
    }

    /**
     * An idle server of one flag set after start-up and a full GC: its live heap and live classes
     * are what an attacked server's are compared with. A separate server, because a full GC before
     * an attack would shrink a G1 heap and hide what users see.
     */
    private record Baseline(Reading idle, long liveHeapBytes, long rssAfterFullGcBytes, Map<String, Long> histogramBytes) {
    }

    /** Everything measured for one attack on one JVM flag set. */
    private record Result(Attack attack, String jvm, String load, Baseline baseline, Reading before, Reading peak,
                          Reading after, long liveHeapAfterBytes, long rssAfterFullGcBytes, String gcPauses, long serverCpuNanos,
                          String udpQueue,
                          HonestClient.Summary idle, HonestClient.Summary during,
                          Map<String, Long> histogramGrowthBytes, Map<String, long[]> nativeMemoryBytes) {
    }

    /**
     * Runs every attack against a fresh server per JVM flag set and prints the tables.
     *
     * @param launcher how to start {@code lockstep serve} in another JVM
     * @return 0 when it ran, 1 when a server could not be started (message printed)
     */
    public static int run(PrintStream out, ServerProcess.Launcher launcher, Options o) throws InterruptedException {
        long start = System.nanoTime();
        out.printf(Locale.ROOT, "Memory under attack: lockstep serve in its own JVM (%s), attacked over loopback from"
                        + " 127.x.y.z sources; %d cores, %,d MiB RAM, Java %s%n", launcher.classPath(),
                Runtime.getRuntime().availableProcessors(), Math.max(0, HostStats.totalRamBytes()) / MIB, System.getProperty("java.version"));
        for (Map.Entry<String, List<String>> jvm : o.jvms().entrySet()) {
            out.printf(Locale.ROOT, "  JVM %-8s %s%n", jvm.getKey(), jvm.getValue().isEmpty()
                    ? "(no flags: the JVM's defaults for this machine)" : String.join(" ", jvm.getValue()));
        }
        out.flush();
        List<Result> results = new ArrayList<>();
        Map<String, Baseline> baselines = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<String>> jvm : o.jvms().entrySet()) {
                Baseline b = baseline(jvm.getValue(), launcher, o);
                baselines.put(jvm.getKey(), b);
                out.printf(Locale.ROOT, "  idle:       %-8s RSS %s, heap %s, live heap %s%n", jvm.getKey(),
                        mib(b.idle().rssBytes()), heap(b.idle()), mib(b.liveHeapBytes()));
                out.flush();
            }
            for (Attack attack : o.attacks()) {
                for (Map.Entry<String, List<String>> jvm : o.jvms().entrySet()) {
                    Result r = runOne(attack, jvm.getKey(), jvm.getValue(), baselines.get(jvm.getKey()), launcher, o);
                    results.add(r);
                    out.printf(Locale.ROOT, "  done: %-10s %-8s RSS %s -> peak %s -> after %s; %s%n", attack.label(),
                            jvm.getKey(), mib(r.before().rssBytes()), mib(r.peak().rssBytes()), mib(r.after().rssBytes()),
                            r.load());
                    out.flush();
                }
            }
        } catch (IOException e) {
            out.println("lockstep bench attack: " + e.getMessage());
            return 1;
        }
        out.println();
        Table memory = new Table("attack", "JVM", "RSS before", "RSS peak", "RSS after", "RSS after full GC",
                "heap before", "heap peak", "heap after", "live heap idle → after");
        for (Result r : results) {
            memory.row(r.attack().label(), r.jvm(), mib(r.before().rssBytes()), mib(r.peak().rssBytes()),
                    mib(r.after().rssBytes()), mib(r.rssAfterFullGcBytes()), heap(r.before()), heap(r.peak()),
                    heap(r.after()), mib(r.baseline().liveHeapBytes()) + " → " + mib(r.liveHeapAfterBytes()));
        }
        memory.print(out);
        out.println("(MiB. before: after start-up and --settle; peak: highest sampled every 20 ms during the attack and"
                + " --pause; after: at the end of --pause; heap: used / committed; live heap: used right after a full GC"
                + " (jcmd GC.class_histogram), of an idle server of the same flags and of this one after the attack.)");
        out.println("(server CPU: user + system time of the server process during the attack and --pause, 10 ms ticks;"
                + " GC pauses: stop-the-world collections in that time × their mean pause; ntp-flood replies count only"
                + " while the source's socket is open, 1024 sends per thread, tens of ms; server UDP queue: the NTP"
                + " socket's receive queue at its peak (sampled every 200 ms) and datagrams the kernel dropped because"
                + " it was full, from /proc/net/udp.)");
        out.println();
        Table clients = new Table("attack", "JVM", "load", "server CPU", "server GC pauses", "server UDP queue",
                "honest client before", "honest client during the attack");
        for (Result r : results) {
            clients.row(r.attack().label(), r.jvm(), r.load(),
                    r.serverCpuNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", r.serverCpuNanos() / 1e9),
                    r.gcPauses(), r.udpQueue(), r.idle().describe(), r.during().describe());
        }
        clients.print(out);
        if (o.histogram()) {
            out.println();
            out.println("Live classes that grew most (bytes after a full GC, attacked server − idle server):");
            for (Result r : results) {
                StringBuilder sb = new StringBuilder();
                r.histogramGrowthBytes().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %+,d B;", k, v)));
                out.printf(Locale.ROOT, "  %-10s %-8s%s%n", r.attack().label(), r.jvm(),
                        sb.length() == 0 ? " none above 64 KiB" : sb.toString());
            }
        }
        if (o.nativeMemory()) {
            out.println();
            out.println("Native memory tracking, committed MiB before → after the attack (categories that moved ≥ 0.5 MiB):");
            for (Result r : results) {
                StringBuilder sb = new StringBuilder();
                r.nativeMemoryBytes().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %s → %s;", k,
                        mib(v[0]), mib(v[1]))));
                out.printf(Locale.ROOT, "  %-10s %-8s%s%n", r.attack().label(), r.jvm(), sb);
            }
        }
        out.printf(Locale.ROOT, "%nTook %.0f s. Server: java FLAGS -cp %s %s serve --ntp-port 0 --echo-port 0 --duration D%n",
                (System.nanoTime() - start) / 1e9, launcher.classPath(), launcher.mainClass());
        out.flush();
        return 0;
    }

    private static ServerProcess startServer(List<String> flags, ServerProcess.Launcher launcher, Options o)
            throws IOException, InterruptedException {
        List<String> jvmOptions = new ArrayList<>(flags);
        if (o.nativeMemory()) {
            jvmOptions.add("-XX:NativeMemoryTracking=summary");
        }
        // --duration: even a server this process loses track of stops by itself.
        long lifetimeSeconds = (o.settleNanos() + o.pauseNanos() + o.maxAttackNanos()) / 1_000_000_000L + 300;
        ServerProcess server = ServerProcess.start(launcher, jvmOptions,
                List.of("--ntp-port", "0", "--echo-port", "0", "--duration", lifetimeSeconds + "s"));
        // Let start-up (class loading, the NTP warm-up, JIT) finish before "before".
        Thread.sleep(o.settleNanos() / 1_000_000L);
        return server;
    }

    private static Baseline baseline(List<String> flags, ServerProcess.Launcher launcher, Options o)
            throws IOException, InterruptedException {
        try (ServerProcess server = startServer(flags, launcher, o)) {
            Reading idle = Reading.of(server);
            Map<String, Long> histogram = o.histogram() ? server.liveHistogramBytes() : Map.of();
            long live = o.histogram() ? Reading.of(server).heapUsedBytes() : -1;
            return new Baseline(idle, live, o.histogram() ? server.rssBytes() : -1, histogram);
        }
    }

    private static Result runOne(Attack attack, String jvmLabel, List<String> flags, Baseline baseline,
                                 ServerProcess.Launcher launcher, Options o) throws IOException, InterruptedException {
        try (ServerProcess server = startServer(flags, launcher, o)) {
            InetSocketAddress address = server.listener(attack.protocol);
            Target target = Target.parse(attack.protocol + "://" + Addresses.format(address));
            HonestClient.Summary idle = HonestClient.once(target);
            Reading before = Reading.of(server);
            Map<String, Long> nmtBefore = o.nativeMemory() ? server.nativeMemoryCommittedBytes() : Map.of();
            HotSpotCounters.Pauses pausesBefore = server.pauses();
            long cpuBefore = server.cpuNanos();
            InetSocketAddress udpSocket = attack == Attack.NTP_FLOOD ? address : null;
            HostStats.UdpQueue queueBefore = udpSocket == null ? null : HostStats.udpQueue(udpSocket);
            String load;
            HonestClient.Summary during;
            Reading peak;
            String udpQueue = "-";
            try (PeakSampler sampler = new PeakSampler(server, udpSocket)) {
                HonestClient honest = new HonestClient(target);
                honest.start();
                LoopbackAttacks.Load l = switch (attack) {
                    case NTP_FLOOD -> LoopbackAttacks.ntpFlood(address, o.ntpSources(), o.ntpRequestsPerSource(),
                            o.threads(), o.maxAttackNanos());
                    case ECHO_CHURN -> LoopbackAttacks.echoChurn(address, o.churnConnections(), o.churnSources(),
                            o.threads(), o.maxAttackNanos());
                    case ECHO_IDLE -> LoopbackAttacks.echoIdle(address, o.idleConnections(),
                            Math.min(o.idleHoldNanos(), o.maxAttackNanos()));
                };
                load = l.summary() + (l.elapsedNanos() >= o.maxAttackNanos() ? " (stopped at --max-attack-time)" : "");
                during = honest.stop();
                Thread.sleep(o.pauseNanos() / 1_000_000L);
                peak = sampler.peak();
                HostStats.UdpQueue queueAfter = udpSocket == null ? null : HostStats.udpQueue(udpSocket);
                if (queueBefore != null && queueAfter != null) {
                    udpQueue = String.format(Locale.ROOT, "peak %,d KiB, %,d dropped",
                            Math.max(0, sampler.udpQueuePeakBytes) / 1024, queueAfter.drops() - queueBefore.drops());
                }
            }
            Reading after = Reading.of(server);
            String gcPauses = describePauses(pausesBefore, server.pauses());
            long cpuAfter = server.cpuNanos();
            long serverCpu = cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore;
            Map<String, long[]> nmt = new LinkedHashMap<>();
            if (o.nativeMemory()) {
                Map<String, Long> nmtAfter = server.nativeMemoryCommittedBytes();
                for (Map.Entry<String, Long> e : nmtAfter.entrySet()) {
                    long was = nmtBefore.getOrDefault(e.getKey(), 0L);
                    if (Math.abs(e.getValue() - was) >= MIB / 2 || e.getKey().equals("Total")) {
                        nmt.put(e.getKey(), new long[]{was, e.getValue()});
                    }
                }
            }
            Map<String, Long> growth = new LinkedHashMap<>();
            long liveAfter = -1;
            if (o.histogram()) {
                Map<String, Long> histAfter = server.liveHistogramBytes();
                liveAfter = Reading.of(server).heapUsedBytes();
                histAfter.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - baseline.histogramBytes().getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() >= 64 * 1024)
                        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                        .limit(5)
                        .forEach(e -> growth.put(e.getKey(), e.getValue()));
            }
            if (o.histogram()) {
                // G1 gives memory back to the system on a background thread after the collection.
                Thread.sleep(1_000);
            }
            long rssAfterGc = o.histogram() ? server.rssBytes() : -1;
            if (!server.alive()) {
                throw new IOException("the server died during the " + attack.label() + " attack: "
                        + server.stderr().strip().replace('\n', ' '));
            }
            return new Result(attack, jvmLabel, load, baseline, before, peak, after, liveAfter, rssAfterGc, gcPauses, serverCpu, udpQueue, idle,
                    during, growth, nmt);
        }
    }

    /** E.g. {@code 212 × 0.9 ms}: collections between two readings and their mean pause. */
    private static String describePauses(HotSpotCounters.Pauses from, HotSpotCounters.Pauses to) {
        if (from == null || to == null) {
            return "-";
        }
        long n = to.count() - from.count();
        return n == 0 ? "none" : String.format(Locale.ROOT, "%,d × %.2f ms", n, (to.totalNanos() - from.totalNanos()) / 1e6 / n);
    }

    private static String heap(Reading r) {
        return r.heapUsedBytes() < 0 ? "-" : mib(r.heapUsedBytes()) + " / " + mib(r.heapCommittedBytes());
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / (double) MIB);
    }
}
