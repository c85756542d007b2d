package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.lockstep.fleet.Device;
import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.FleetMonitor;
import io.lockstep.fleet.FleetSnapshot;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.PrometheusTargets;
import io.lockstep.net.Addresses;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.protocol.Target;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench fleet}: a room of hundreds. N lightweight agents in this JVM (real
 * {@link io.lockstep.fleet.Agent}s, HTTP on loopback, each on its own simulated clock), tracking
 * one NTP reference; then the monitor ({@link FleetMonitor}, what {@code fleet status} runs)
 * polls the whole fleet again and again, timed, and every reported offset and the fleet spread
 * are checked against the simulated truth; one agent is killed and the time until the monitor,
 * polling every second as {@code fleet status --watch} does, shows it unreachable is measured;
 * the real monitor as a user runs it ({@code fleet dashboard} in its own JVM, when this JVM runs
 * the command line) gives the monitor's CPU and RSS and the dashboard's answer time; and a real
 * Prometheus server (Debian's, when installed) scrapes every agent with the shipped rules.
 * Numbers are printed, never judged. Not thread-safe; one run at a time.
 */
public final class FleetBench {

    private static final long S = 1_000_000_000L;
    /** Offsets drawn in ±50 ms, drifts in ±30 ppm: a room of Pis after chrony, or without it. */
    private static final long MAX_OFFSET_NANOS = 50_000_000L;
    private static final double MAX_DRIFT_PPM = 30;
    private static final String CLI_MAIN = "io.lockstep.cli.Main";

    /**
     * What to run.
     *
     * @param agents     simulated agents (1-2000)
     * @param polls      timed polls of the whole fleet
     * @param prometheus scrape with a real Prometheus server when one is installed
     * @param seed       seed of the clocks
     */
    public record Options(int agents, int polls, boolean prometheus, long seed) {
        public Options {
            if (agents < 1 || agents > 2000) {
                throw new IllegalArgumentException("--agents must be 1-2000, got " + agents);
            }
            if (polls < 1 || polls > 10_000) {
                throw new IllegalArgumentException("--polls must be 1-10000, got " + polls);
            }
        }
    }

    /** The measurements; null where a part did not run (no Prometheus, no command line in this JVM). */
    public record Result(int agents, long[] pollNanos, long records, long within, long unanswered, long spreadRecords,
                         long spreadWithin, Long unreachableAfterNanos, Double monitorCpuPercent, Long monitorRssBytes,
                         long[] dashboardFetchNanos, Map<String, Object> prometheus, String load) {

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agents", agents);
            m.put("polls", pollNanos.length);
            m.put("poll_p50_ns", Math.round(FireRun.percentile(pollNanos, 0.5)));
            m.put("poll_p99_ns", Math.round(FireRun.percentile(pollNanos, 0.99)));
            m.put("poll_max_ns", Math.round(FireRun.percentile(pollNanos, 1.0)));
            m.put("within", within);
            m.put("records", records);
            m.put("unanswered", unanswered);
            m.put("spread_within", spreadWithin);
            m.put("spread_records", spreadRecords);
            m.put("unreachable_after_ns", unreachableAfterNanos);
            m.put("monitor_cpu_percent", monitorCpuPercent);
            m.put("monitor_rss_bytes", monitorRssBytes);
            m.put("dashboard_fetch_p50_ns", dashboardFetchNanos.length == 0 ? null
                    : Math.round(FireRun.percentile(dashboardFetchNanos, 0.5)));
            m.put("dashboard_fetch_p99_ns", dashboardFetchNanos.length == 0 ? null
                    : Math.round(FireRun.percentile(dashboardFetchNanos, 0.99)));
            m.put("prometheus", prometheus);
            m.put("load", load);
            return m;
        }
    }

    private FleetBench() {
    }

    /** Runs the bench and prints its table (and, with {@code json}, one JSON object as the last line). */
    public static int run(PrintStream out, Options o, boolean json) throws IOException, InterruptedException,
            TimeoutException {
        out.printf(Locale.ROOT, "bench fleet: %d agents with simulated clocks (offsets ±%d ms, drifts ±%.0f ppm) in this JVM,"
                + " load at start %s%n", o.agents(), MAX_OFFSET_NANOS / 1_000_000, MAX_DRIFT_PPM, HostStats.loadAverages("unknown"));
        out.flush();
        Result r = measure(o, out);
        print(out, r);
        if (json) {
            out.println(JsonText.write(r.toJson()));
        }
        out.flush();
        return 0;
    }

    /** Runs every part; {@code progress} gets a line per stage (may be null). */
    public static Result measure(Options o, PrintStream progress) throws IOException, InterruptedException,
            TimeoutException {
        List<FireBaselines.DeviceClock> clocks = FireBaselines.drawClocks(o.agents(), MAX_OFFSET_NANOS, MAX_DRIFT_PPM,
                o.seed());
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // Every agent asks from 127.0.0.1: the per-address rate limit would take the room for one flood.
        NtpServerConfig config = NtpServerConfig.builder(TimeSource.system()).bindAddress(loopback).port(0)
                .rateLimit(NtpRateLimit.OFF).build();
        Path dir = Files.createTempDirectory("lockstep-bench-fleet");
        try (NtpServer reference = NtpServer.start(config)) {
            Target ref = Target.parse("ntp://" + Addresses.format(reference.localAddress()));
            note(progress, "starting %d agents...", o.agents());
            try (SimulatedFleet fleet = SimulatedFleet.start(ref, clocks, S, "room")) {
                note(progress, "waiting for every agent to be SYNCED...");
                fleet.awaitSynced(Math.max(120, o.agents()) * S);
                List<Device> devices = fleet.devices();
                Path fleetFile = dir.resolve("fleet.txt");
                List<String> lines = new ArrayList<>();
                for (Device d : devices) {
                    lines.add(d.name() + " " + d.target());
                }
                Files.write(fleetFile, lines);

                long[] pollNanos = new long[o.polls()];
                long records = 0;
                long within = 0;
                long unanswered = 0;
                long spreadRecords = 0;
                long spreadWithin = 0;
                FleetMonitor.Config mc = FleetMonitor.Config.of(() -> devices, null);
                try (FleetMonitor monitor = FleetMonitor.open(mc)) {
                    monitor.pollOnce(); // the first poll opens connections and loads the client code
                    note(progress, "%d timed polls of the whole fleet...", o.polls());
                    for (int k = 0; k < o.polls(); k++) {
                        long[] before = fleet.trueOffsetsNanos();
                        long t0 = System.nanoTime();
                        FleetSnapshot s = monitor.pollOnce();
                        pollNanos[k] = System.nanoTime() - t0;
                        long[] after = fleet.trueOffsetsNanos();
                        // The truth at each agent's reading lies between the truths read before and after the poll.
                        for (int d = 0; d < devices.size(); d++) {
                            DeviceRow row = s.devices().get(d);
                            if (!row.reachable() || row.error() != null || row.offsetNanos() == null
                                    || row.errorBoundNanos() == null) {
                                unanswered++;
                                continue;
                            }
                            records++;
                            if (overlaps(row.offsetNanos(), row.errorBoundNanos(), before[d], after[d])) {
                                within++;
                            }
                        }
                        long[] range = trueSpreadRange(before, after);
                        if (s.spreadNanos() != null) {
                            spreadRecords++;
                            if (overlaps(s.spreadNanos(), s.spreadBoundNanos(), range[0], range[1])) {
                                spreadWithin++;
                            }
                        }
                        // About once a second, as fleet status --watch polls.
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, S - pollNanos[k]));
                    }
                }

                Map<String, Object> prometheus = null;
                PrometheusServer prom = null;
                if (o.prometheus() && PrometheusServer.available()) {
                    note(progress, "starting a private Prometheus server scraping every agent...");
                    prom = startPrometheus(devices);
                }
                try {
                    Double cpu = null;
                    Long rss = null;
                    long[] fetches = new long[0];
                    if (cliOnClassPath()) {
                        note(progress, "the monitor in its own JVM (fleet dashboard), 10 s of polling...");
                        MonitorFigures f = externalMonitor(fleetFile, o.agents());
                        cpu = f.cpuPercent();
                        rss = f.rssBytes();
                        fetches = f.fetchNanos();
                    }
                    if (prom != null) {
                        prometheus = prometheusFigures(prom, fleet, o.agents());
                    }
                    note(progress, "killing one agent; how soon does the monitor show it unreachable?");
                    Long unreachable = killOne(fleet, devices);
                    return new Result(o.agents(), pollNanos, records, within, unanswered, spreadRecords, spreadWithin,
                            unreachable, cpu,
                            rss, fetches, prometheus, HostStats.loadAverages("unknown"));
                } finally {
                    if (prom != null) {
                        prom.close();
                    }
                }
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Whether {@code value ± bound} meets the range between {@code a} and {@code b}. */
    static boolean overlaps(long value, long bound, long a, long b) {
        return value + bound >= Math.min(a, b) && value - bound <= Math.max(a, b);
    }

    /**
     * The range the true spread lies in when device {@code i}'s truth lies between {@code a[i]}
     * and {@code b[i]} (each device read at its own instant of a window): {@code {min, max}}.
     */
    static long[] trueSpreadRange(long[] a, long[] b) {
        long hiLo = Long.MIN_VALUE;
        long hiHi = Long.MIN_VALUE;
        long loLo = Long.MAX_VALUE;
        long loHi = Long.MAX_VALUE;
        for (int i = 0; i < a.length; i++) {
            long lo = Math.min(a[i], b[i]);
            long hi = Math.max(a[i], b[i]);
            hiLo = Math.max(hiLo, lo);
            hiHi = Math.max(hiHi, hi);
            loLo = Math.min(loLo, lo);
            loHi = Math.min(loHi, hi);
        }
        return new long[] {Math.max(0, hiLo - loHi), hiHi - loLo};
    }

    /**
     * Stops the last agent and measures the time until the monitor, polling every second in the
     * background (as {@code fleet status --watch} and the dashboard do), publishes a snapshot with
     * it unreachable.
     */
    private static Long killOne(SimulatedFleet fleet, List<Device> devices) throws IOException, InterruptedException {
        int victim = devices.size() - 1;
        AtomicLong seenAt = new AtomicLong();
        CountDownLatch seen = new CountDownLatch(1);
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        try (FleetMonitor monitor = FleetMonitor.open(FleetMonitor.Config.of(() -> devices, null))) {
            monitor.addListener(s -> {
                long now = System.nanoTime();
                if (now - killedAt.get() > 0 && !s.devices().get(victim).reachable() && seenAt.get() == 0) {
                    seenAt.set(now);
                    seen.countDown();
                }
            });
            monitor.start();
            // Let it poll a couple of times first, so the kill lands at a random point of its cycle.
            TimeUnit.MILLISECONDS.sleep(2_300);
            killedAt.set(System.nanoTime());
            fleet.stop(victim);
            if (!seen.await(30, TimeUnit.SECONDS)) {
                return null;
            }
            return seenAt.get() - killedAt.get();
        }
    }

    private record MonitorFigures(Double cpuPercent, Long rssBytes, long[] fetchNanos) {
    }

    private static boolean cliOnClassPath() {
        try {
            Class.forName(CLI_MAIN, false, FleetBench.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * {@code fleet dashboard --devices FILE} in its own JVM, as a user runs the monitor: its CPU
     * over 10 s of polling after it has settled, its resident set, and how long its
     * {@code /api/fleet} takes to answer with every device.
     */
    private static MonitorFigures externalMonitor(Path fleetFile, int agents) throws IOException, InterruptedException {
        ServerProcess.Launcher launcher = ServerProcess.Launcher.sameAsThisJvm(CLI_MAIN);
        try (ServerProcess monitor = ServerProcess.start(launcher, List.of(), List.of("fleet", "dashboard", "--http",
                "127.0.0.1:0", "--devices", fleetFile.toString()), 1)) {
            InetSocketAddress http = monitor.listener("http");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://" + Addresses.format(http) + "/api/fleet");
            // Settled: it has polled every device (JIT warm, connections open).
            long deadline = System.nanoTime() + 60 * S;
            while (System.nanoTime() - deadline < 0) {
                String body = get(client, uri);
                if (body != null && count(body, "\"reachable\":true") >= agents) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            TimeUnit.SECONDS.sleep(3);
            long cpu0 = monitor.cpuNanos();
            long wall0 = System.nanoTime();
            List<Long> fetches = new ArrayList<>();
            while (System.nanoTime() - wall0 < 10 * S) {
                long t0 = System.nanoTime();
                String body = get(client, uri);
                if (body != null) {
                    fetches.add(System.nanoTime() - t0);
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            long cpu1 = monitor.cpuNanos();
            long wall1 = System.nanoTime();
            long rss = HostStats.rssBytes(monitor.pid());
            return new MonitorFigures(cpu0 < 0 || cpu1 < 0 ? null : 100.0 * (cpu1 - cpu0) / (wall1 - wall0),
                    rss < 0 ? null : rss, fetches.stream().mapToLong(Long::longValue).toArray());
        }
    }

    private static String get(HttpClient client, URI uri) throws InterruptedException {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The shipped configuration and rules (from the class path copy under deploy/), scraping every 5 s. */
    private static PrometheusServer startPrometheus(List<Device> devices) throws IOException, InterruptedException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("prometheus.yml", resource("prometheus.yml"));
        files.put("lockstep-rules.yml", resource("lockstep-rules.yml"));
        files.put("lockstep-targets.json", JsonText.write(PrometheusTargets.fileSd(devices)));
        return PrometheusServer.start(files, 60 * S);
    }

    private static String resource(String name) throws IOException {
        try (var in = FleetBench.class.getResourceAsStream("/io/lockstep/bench/prometheus/" + name)) {
            if (in == null) {
                throw new IOException("deploy/prometheus/" + name + " is not on the class path");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits until Prometheus has scraped every agent and evaluated the rules, then reads its
     * spread beside the truth, the slowest scrape, and its own CPU time and memory.
     */
    private static Map<String, Object> prometheusFigures(PrometheusServer p, SimulatedFleet fleet, int agents)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + 120 * S;
        double up = 0;
        while (System.nanoTime() - deadline < 0) {
            up = p.scalar("count(up{job=\"lockstep\"} == 1)");
            double synced = p.scalar("lockstep:fleet_agents_synced");
            if (up >= agents && synced >= agents) {
                break;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targets_up", (long) up);
        m.put("all_up_wait_ns", System.nanoTime() - start);
        // Every query at one instant, so they see the same samples; the recording rules' latest values
        // beside the same expressions evaluated then, whose samples' times are known.
        double at = System.currentTimeMillis() / 1e3;
        String offsets = "lockstep_offset_seconds{job=\"lockstep\"}";
        double ruleSpread = p.scalar("lockstep:fleet_spread_seconds{job=\"lockstep\"}", at);
        double ruleBound = p.scalar("lockstep:fleet_spread_bound_seconds{job=\"lockstep\"}", at);
        double spread = p.scalar("max(" + offsets + ") - min(" + offsets + ")", at);
        double bound = p.scalar("max(" + offsets + " + lockstep_error_bound_seconds) - min(" + offsets
                + " - lockstep_error_bound_seconds) - (max(" + offsets + ") - min(" + offsets + "))", at);
        double oldest = p.scalar("min(timestamp(" + offsets + "))", at);
        double newest = p.scalar("max(timestamp(" + offsets + "))", at);
        m.put("rule_spread_ns", Double.isNaN(ruleSpread) ? null : Math.round(ruleSpread * 1e9));
        m.put("rule_spread_bound_ns", Double.isNaN(ruleBound) ? null : Math.round(ruleBound * 1e9));
        m.put("spread_ns", Double.isNaN(spread) ? null : Math.round(spread * 1e9));
        m.put("spread_bound_ns", Double.isNaN(bound) ? null : Math.round(bound * 1e9));
        m.put("sample_age_ns", Double.isNaN(oldest) ? null : Math.round((at - oldest) * 1e9));
        // The widest bound decides the spread's bound: which agent, and in which state, says why it is wide.
        double widest = p.scalar("max(lockstep_error_bound_seconds{job=\"lockstep\"})", at);
        m.put("widest_bound_ns", Double.isNaN(widest) ? null : Math.round(widest * 1e9));
        double notSynced = p.scalar("count(lockstep_state{job=\"lockstep\",state=\"synced\"} == 0)", at);
        // An empty answer is none.
        m.put("agents_not_synced", Double.isNaN(notSynced) ? 0L : Math.round(notSynced));
        if (!Double.isNaN(spread) && !Double.isNaN(oldest)) {
            // Each agent's sample was taken between the oldest and the newest scrape: its true offset then
            // lies between its truths at those two instants (the simulated clocks are linear).
            long[] range = trueSpreadRange(fleet.trueOffsetsAtNanos(Math.round(oldest * 1e9)),
                    fleet.trueOffsetsAtNanos(Math.round(newest * 1e9)));
            long trueMin = range[0];
            long trueMax = range[1];
            m.put("true_spread_ns", (trueMin + trueMax) / 2);
            m.put("spread_within", overlaps(Math.round(spread * 1e9), Math.round(bound * 1e9), trueMin, trueMax));
        } else {
            m.put("true_spread_ns", null);
            m.put("spread_within", false);
        }
        double slowest = p.scalar("max(scrape_duration_seconds{job=\"lockstep\"})");
        m.put("slowest_scrape_ns", Double.isNaN(slowest) ? null : Math.round(slowest * 1e9));
        long pid = p.process().pid();
        m.put("rss_bytes", HostStats.rssBytes(pid));
        return m;
    }

    static void print(PrintStream out, Result r) {
        Table t = new Table("measure", "value", "goal");
        t.row("agents", Integer.toString(r.agents()), "≥ 200");
        t.row("poll of the whole fleet, p50", ms(Math.round(FireRun.percentile(r.pollNanos(), 0.5))), "");
        t.row("poll of the whole fleet, p99", ms(Math.round(FireRun.percentile(r.pollNanos(), 0.99))), "≤ 1 s");
        t.row("poll of the whole fleet, max", ms(Math.round(FireRun.percentile(r.pollNanos(), 1.0))), "");
        t.row("offsets within their bound of the truth", r.within() + " / " + r.records(), "all");
        t.row("device readings without an offset (no answer in time, unsynced)", Long.toString(r.unanswered()), "0");
        t.row("fleet spread within its bound of the truth", r.spreadWithin() + " / " + r.spreadRecords(), "all");
        t.row("killed agent shown unreachable after", r.unreachableAfterNanos() == null ? "not within 30 s"
                : ms(r.unreachableAfterNanos()), "≤ 3 s");
        t.row("monitor (fleet dashboard, own JVM) CPU", r.monitorCpuPercent() == null ? "-"
                : String.format(Locale.ROOT, "%.1f %% of one core", r.monitorCpuPercent()), "");
        t.row("monitor RSS", r.monitorRssBytes() == null ? "-" : mib(r.monitorRssBytes()), "");
        t.row("dashboard /api/fleet answer, p50", r.dashboardFetchNanos().length == 0 ? "-"
                : ms(Math.round(FireRun.percentile(r.dashboardFetchNanos(), 0.5))), "");
        t.row("dashboard /api/fleet answer, p99", r.dashboardFetchNanos().length == 0 ? "-"
                : ms(Math.round(FireRun.percentile(r.dashboardFetchNanos(), 0.99))), "");
        if (r.prometheus() == null) {
            t.row("Prometheus", "not run (no /usr/bin/prometheus, or --no-prometheus)", "");
        } else {
            Map<String, Object> p = r.prometheus();
            t.row("Prometheus: targets up", String.valueOf(p.get("targets_up")), "all");
            t.row("Prometheus: spread ± bound (the rules' expressions, one instant)", p.get("spread_ns") == null ? "-"
                    : ms((Long) p.get("spread_ns")) + " ± " + ms((Long) p.get("spread_bound_ns")), "");
            t.row("Prometheus: recording rules' spread ± bound", p.get("rule_spread_ns") == null ? "-"
                    : ms((Long) p.get("rule_spread_ns")) + " ± " + ms((Long) p.get("rule_spread_bound_ns")), "");
            t.row("Prometheus: true spread at the samples' times", p.get("true_spread_ns") == null ? "-"
                    : ms((Long) p.get("true_spread_ns")), "");
            t.row("Prometheus: spread within its bound of the truth", String.valueOf(p.get("spread_within")), "true");
            t.row("Prometheus: oldest sample behind it", p.get("sample_age_ns") == null ? "-"
                    : ms((Long) p.get("sample_age_ns")), "");
            t.row("Prometheus: widest agent bound; agents not SYNCED", (p.get("widest_bound_ns") == null ? "-"
                    : ms((Long) p.get("widest_bound_ns"))) + "; " + p.get("agents_not_synced"), "");
            t.row("Prometheus: slowest scrape", p.get("slowest_scrape_ns") == null ? "-" : ms((Long) p.get("slowest_scrape_ns")), "");
            t.row("Prometheus: RSS", mib((Long) p.get("rss_bytes")), "");
        }
        t.print(out);
        out.println("poll = one monitor poll of every agent's /api/status (FleetMonitor.pollOnce, as fleet status runs it), "
                + "timed in this JVM, which also runs the agents; within = the reported offset ± bound meets the truth "
                + "(the simulated clock's offset read just before and just after the poll); monitor CPU and RSS are "
                + "those of `fleet dashboard` in its own JVM, polling the same agents every second.");
        out.printf(Locale.ROOT, "load at end %s (1/5/15 min)%n", r.load());
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void note(PrintStream progress, String format, Object... args) {
        if (progress != null) {
            progress.printf(Locale.ROOT, "  " + format + "%n", args);
            progress.flush();
        }
    }
}
