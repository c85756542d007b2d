package io.lockstep.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.lockstep.fleet.AgentStatus;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench attack --target fleet}: the agent and the dashboard under the attacks of
 * issue 16, and the monitor against a hostile agent. Each agent or dashboard attack starts a
 * fresh target as its own JVM ({@link ServerProcess}; the agent with {@link #AGENT_FLAGS}, the
 * flags {@code ./lockstep agent} uses), attacks it over loopback from one LAN-like address
 * ({@link HttpAttacks}) while an honest client polls it from 127.0.0.1 as {@code fleet status}
 * does (a fresh connection, a 1.5 s deadline, every 250 ms), and reports its resident set,
 * descriptors and threads before, at their peak during the attack and after a pause, the
 * share of honest polls answered, and whether it survived. The hostile-agent rows run
 * {@code fleet status}, {@code fleet fire} and the dashboard as real processes against an
 * honest agent and a {@link HostileAgent}. Every attack and every command has a deadline; every
 * process started is stopped. Prints tables; never passes or fails. Not thread-safe.
 */
public final class FleetAttackBench {

    /** The agent's JVM flags, as the {@code lockstep} script gives {@code agent} (a test keeps them equal). */
    public static final String AGENT_FLAGS = "-XX:+UseSerialGC -Xms4m -Xmx16m -XX:TieredStopAtLevel=1 -Xss256k"
            + " -XX:ReservedCodeCacheSize=8m -XX:CICompilerCount=1 -XX:+ExitOnOutOfMemoryError";

    /** Every attack, in order; agent-*, dashboard-* and hostile-* rows. */
    public static final List<String> ATTACKS = List.of("agent-early-close", "agent-slow-headers", "agent-slow-body",
            "agent-tls-hello", "agent-trigger-flood", "dashboard-early-close", "dashboard-slow-headers",
            "dashboard-events", "hostile-huge", "hostile-trickle", "hostile-escapes", "hostile-out-of-range");

    private static final long POLL_EVERY_MILLIS = 250;
    private static final long POLL_DEADLINE_MILLIS = 1_500;
    private static final long MIB = 1024 * 1024;

    private FleetAttackBench() {
    }

    /**
     * How big the attacks are.
     *
     * @param earlyCloses     requests closed unread
     * @param slowConnections slow-header, slow-body and TLS connections
     * @param subscribers     idle {@code /events} subscribers
     * @param holdNanos       how long held connections and the dashboard's hostile run last
     * @param triggers        signed periodic triggers in the flood
     * @param triggerCount    firings of each
     * @param hugeBytes       size of a hostile agent's huge answer
     * @param trickleNanos    how long a hostile agent trickles
     * @param pauseNanos      wait after an attack before "after"
     * @param commandDeadlineNanos a {@code fleet status} or {@code fleet fire} run is stopped after this
     */
    public record Sizes(int earlyCloses, int slowConnections, int subscribers, long holdNanos, int triggers,
                        int triggerCount, long hugeBytes, long trickleNanos, long pauseNanos, long commandDeadlineNanos) {

        /** The sizes of issue 16's findings and "done when". */
        public static Sizes full() {
            return new Sizes(3_000, 50, 40, 30_000_000_000L, 60, 1_000, 200_000_000L, 30_000_000_000L, 5_000_000_000L,
                    90_000_000_000L);
        }

        /** Small and short, for a quick look and the CLI's test. */
        public static Sizes quick() {
            return new Sizes(200, 4, 20, 2_000_000_000L, 3, 100, 2_000_000L, 3_000_000_000L, 500_000_000L,
                    30_000_000_000L);
        }
    }

    /** What to run. */
    public record Options(List<String> attacks, Sizes sizes) {
        public Options {
            attacks = List.copyOf(attacks);
            if (attacks.isEmpty()) {
                throw new IllegalArgumentException("need at least one fleet attack");
            }
            for (String a : attacks) {
                if (!ATTACKS.contains(a)) {
                    throw new IllegalArgumentException("unknown fleet attack '" + a + "' (" + String.join(", ", ATTACKS) + ")");
                }
            }
        }
    }

    /** Resident set, descriptors and threads of a process at one time; -1 where unknown. */
    record Reading(long rssBytes, long descriptors, long threads) {
        static Reading of(long pid) {
            return new Reading(HostStats.rssBytes(pid), HostStats.descriptors(pid), HostStats.threads(pid));
        }

        Reading max(Reading o) {
            return new Reading(Math.max(rssBytes, o.rssBytes), Math.max(descriptors, o.descriptors), Math.max(threads, o.threads));
        }
    }

    /** Samples a process every 20 ms on its own thread and keeps the peaks. */
    private static final class Sampler implements AutoCloseable {
        private final long pid;
        private final Thread thread;
        private volatile boolean stopping;
        private volatile Reading peak = new Reading(-1, -1, -1);

        Sampler(long pid) {
            this.pid = pid;
            this.thread = new Thread(() -> {
                while (!stopping) {
                    peak = peak.max(Reading.of(pid));
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "lockstep-fleet-attack-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        Reading peak() {
            return peak;
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(2_000);
        }
    }

    /** An honest client polling one URL path from 127.0.0.1 as {@code fleet status} does, on its own thread. */
    private static final class Poller implements AutoCloseable {
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong total = new AtomicLong();
        private final Thread thread;
        private volatile boolean stopping;

        Poller(InetSocketAddress target, String path, boolean agentStatus) {
            thread = new Thread(() -> {
                while (!stopping) {
                    long t0 = System.nanoTime();
                    total.incrementAndGet();
                    if (poll(target, path, agentStatus)) {
                        ok.incrementAndGet();
                    }
                    long sleep = POLL_EVERY_MILLIS - (System.nanoTime() - t0) / 1_000_000L;
                    try {
                        Thread.sleep(Math.max(1, sleep));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "lockstep-fleet-attack-honest");
            thread.setDaemon(true);
            thread.start();
        }

        String describe() {
            long n = total.get();
            return n == 0 ? "-" : String.format(Locale.ROOT, "%.0f%% of %d", 100.0 * ok.get() / n, n);
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(POLL_DEADLINE_MILLIS + 2_000);
        }
    }

    /**
     * One GET on a fresh connection with an overall deadline: true for a 200 whose body (for an
     * agent's status) reads as a status document.
     */
    static boolean poll(InetSocketAddress target, String path, boolean agentStatus) {
        long deadline = System.nanoTime() + POLL_DEADLINE_MILLIS * 1_000_000L;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", target.getPort()), (int) POLL_DEADLINE_MILLIS);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: lockstep\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || got.size() > 4 * MIB) {
                    return false;
                }
                s.setSoTimeout((int) left);
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
                if (answered(got.toString(StandardCharsets.UTF_8))) {
                    break;
                }
            }
            String text = got.toString(StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 200")) {
                return false;
            }
            if (!agentStatus) {
                return true;
            }
            int body = text.indexOf("\r\n\r\n");
            AgentStatus.parse(text.substring(body + 4));
            return true;
        } catch (IOException | AgentStatus.GarbledException | RuntimeException e) {
            return false;
        }
    }

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");

    /** True when {@code text} holds a whole answer with a Content-Length. */
    private static boolean answered(String text) {
        int body = text.indexOf("\r\n\r\n");
        if (body < 0) {
            return false;
        }
        Matcher m = CONTENT_LENGTH.matcher(text.substring(0, body + 2));
        return m.find() && text.getBytes(StandardCharsets.UTF_8).length - body - 4 >= Long.parseLong(m.group(1));
    }

    /** One agent or dashboard attack's row. */
    private record TargetRow(String target, String attack, String load, Reading before, Reading peak, Reading after,
                             String honest, String survived) {
    }

    /** One hostile-agent row. */
    private record VictimRow(String victim, String hostile, Reading peak, String took, String exit, String honest,
                             String rawEscapes, String notes) {
    }

    /** Shared by the rows: the reference, the key, the actions file and where they live. */
    private record Rig(ServerProcess.Launcher launcher, Sizes sizes, Path dir, Path keyFile, FleetKey key,
                       Path actionsFile, String reference) {
    }

    /**
     * Runs the attacks and prints the tables.
     *
     * @return 0 when it ran, 1 when a target could not be started (message printed)
     */
    public static int run(PrintStream out, ServerProcess.Launcher launcher, Options o) throws InterruptedException {
        long start = System.nanoTime();
        Sizes z = o.sizes();
        out.printf(Locale.ROOT, "The fleet under attack: agents (%s) and dashboards in their own JVMs, attacked over loopback"
                + " from %s; honest polls from 127.0.0.1 every %d ms with a %.1f s deadline; %d cores, load %s%n",
                AGENT_FLAGS, HttpAttacks.SOURCE.getHostAddress(), POLL_EVERY_MILLIS, POLL_DEADLINE_MILLIS / 1e3,
                Runtime.getRuntime().availableProcessors(), HostStats.loadAverages("-"));
        out.flush();
        List<TargetRow> targets = new ArrayList<>();
        List<VictimRow> victims = new ArrayList<>();
        Path dir = null;
        try (NtpServer reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).warmUp(false)
                .rateLimit(NtpRateLimit.perSecond(0)).build())) {
            dir = Files.createTempDirectory("lockstep-fleet-attack");
            Path keyFile = dir.resolve("fleet.key");
            FleetKey key = FleetKey.generate(keyFile);
            Path actions = dir.resolve("actions");
            Files.writeString(actions, "mark write " + dir.resolve("mark") + " 1\n");
            Rig rig = new Rig(launcher, z, dir, keyFile, key, actions,
                    "ntp://127.0.0.1:" + reference.localAddress().getPort());
            for (String attack : o.attacks()) {
                if (attack.startsWith("hostile-")) {
                    List<VictimRow> rows = hostile(rig, attack);
                    victims.addAll(rows);
                    for (VictimRow r : rows) {
                        out.printf(Locale.ROOT, "  done: %-22s %-16s took %s, exit %s, RSS peak %s MiB%n", attack,
                                r.victim(), r.took(), r.exit(), mib(r.peak().rssBytes()));
                    }
                } else {
                    TargetRow r = attack.startsWith("agent-") ? agentAttack(rig, attack) : dashboardAttack(rig, attack);
                    targets.add(r);
                    out.printf(Locale.ROOT, "  done: %-22s RSS %s -> %s -> %s MiB, honest polls %s, %s%n", attack,
                            mib(r.before().rssBytes()), mib(r.peak().rssBytes()), mib(r.after().rssBytes()), r.honest(),
                            r.survived());
                }
                out.flush();
            }
        } catch (IOException e) {
            out.println("lockstep bench attack: " + e.getMessage());
            return 1;
        } finally {
            deleteQuietly(dir);
        }
        out.println();
        if (!targets.isEmpty()) {
            Table t = new Table("target", "attack", "size and length", "RSS MiB before / peak / after",
                    "descriptors before / peak / after", "threads before / peak / after", "honest polls answered",
                    "after");
            for (TargetRow r : targets) {
                t.row(r.target(), r.attack(), r.load(), triple(r.before().rssBytes() < 0 ? -1 : r.before().rssBytes(),
                                r.peak().rssBytes(), r.after().rssBytes(), true),
                        triple(r.before().descriptors(), r.peak().descriptors(), r.after().descriptors(), false),
                        triple(r.before().threads(), r.peak().threads(), r.after().threads(), false), r.honest(),
                        r.survived());
            }
            t.print(out);
            out.println("(before: the target started and idle; peak: highest sampled every 20 ms during the attack and"
                    + " the pause; after: at the end of the pause. Honest polls: GET /api/status (agent) or /api/fleet"
                    + " (dashboard) on a fresh connection from 127.0.0.1, answered in full within 1.5 s, during the attack.)");
            out.println();
        }
        if (!victims.isEmpty()) {
            Table t = new Table("monitor", "hostile agent", "RSS MiB peak", "descriptors peak", "threads peak", "took",
                    "exit", "honest agent's row", "raw ESC/BEL out", "the hostile agent's row, notes");
            for (VictimRow r : victims) {
                t.row(r.victim(), r.hostile(), mib(r.peak().rssBytes()), num(r.peak().descriptors()),
                        num(r.peak().threads()), r.took(), r.exit(), r.honest(), r.rawEscapes(), r.notes());
            }
            t.print(out);
            out.println("(Each monitor watches an honest agent and the hostile one. fleet status and fleet fire run with"
                    + " --timeout 1.5s (the default) and are stopped at " + seconds(z.commandDeadlineNanos())
                    + " if still running; the dashboard runs for " + seconds(z.holdNanos()) + ", polled on /api/fleet."
                    + " raw ESC/BEL out: escape bytes the monitor printed to its terminal.)");
        }
        out.printf(Locale.ROOT, "%nTook %.0f s. Agent: java %s -cp %s %s agent --reference ntp://... --http 127.0.0.1:0"
                        + " --key K --actions A --no-dnssd; load after %s%n", (System.nanoTime() - start) / 1e9,
                AGENT_FLAGS, launcher.classPath().length() > 80 ? "CLASSPATH" : launcher.classPath(), launcher.mainClass(),
                HostStats.loadAverages("-"));
        out.flush();
        return 0;
    }

    private static ServerProcess startAgent(Rig rig, String name) throws IOException, InterruptedException {
        long lifetime = (rig.sizes().holdNanos() + rig.sizes().commandDeadlineNanos()) / 1_000_000_000L * 3 + 120;
        return ServerProcess.start(rig.launcher(), AttackBench.splitFlags(AGENT_FLAGS), List.of("agent", "--reference",
                rig.reference(), "--name", name, "--http", "127.0.0.1:0", "--key", rig.keyFile().toString(), "--actions",
                rig.actionsFile().toString(), "--no-dnssd", "--duration", lifetime + "s"), 1);
    }

    private static ServerProcess startDashboard(Rig rig, Path devices) throws IOException, InterruptedException {
        long lifetime = (rig.sizes().holdNanos() + rig.sizes().commandDeadlineNanos()) / 1_000_000_000L * 3 + 120;
        return ServerProcess.start(rig.launcher(), List.of(), List.of("fleet", "dashboard", "--http", "127.0.0.1:0",
                "--devices", devices.toString(), "--duration", lifetime + "s"), 1);
    }

    /** Waits (at most 30 s) until the agent's status says it is synced; a trigger flood needs that. */
    private static void awaitSynced(InetSocketAddress agent) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", agent.getPort()), 1_000);
                s.setSoTimeout(2_000);
                s.getOutputStream().write("GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String text = new String(s.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
                if (text.contains("\"state\":\"SYNCED\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not yet.
            }
            Thread.sleep(200);
        }
    }

    private static TargetRow agentAttack(Rig rig, String attack) throws IOException, InterruptedException {
        Sizes z = rig.sizes();
        try (ServerProcess agent = startAgent(rig, "attacked")) {
            InetSocketAddress http = agent.listener("http");
            if (attack.equals("agent-trigger-flood")) {
                awaitSynced(http);
            }
            return attackTarget(agent, http, "agent", attack, "/api/status", true, z, () -> switch (attack) {
                case "agent-early-close" -> HttpAttacks.earlyClose(http, "/api/status", z.earlyCloses(), z.holdNanos() * 4);
                case "agent-slow-headers" -> HttpAttacks.hold(http, HttpAttacks.Hold.SLOW_HEADERS, z.slowConnections(), z.holdNanos());
                case "agent-slow-body" -> HttpAttacks.hold(http, HttpAttacks.Hold.SLOW_BODY, z.slowConnections(), z.holdNanos());
                case "agent-tls-hello" -> HttpAttacks.hold(http, HttpAttacks.Hold.TLS_HELLO, z.slowConnections(), z.holdNanos());
                case "agent-trigger-flood" -> {
                    LoopbackAttacks.Load l = HttpAttacks.triggerFlood(http, rig.key(), "mark", z.triggers(), z.triggerCount(),
                            10_000_000L, 1_000_000_000L, z.holdNanos());
                    // Let the firings run (count × 10 ms after a 1 s lead) while the honest client keeps polling.
                    Thread.sleep(1_000 + z.triggerCount() * 10L + 1_000);
                    yield l;
                }
                default -> throw new IllegalArgumentException(attack);
            });
        }
    }

    private static TargetRow dashboardAttack(Rig rig, String attack) throws IOException, InterruptedException {
        Sizes z = rig.sizes();
        try (ServerProcess agent = startAgent(rig, "honest")) {
            Path devices = rig.dir().resolve("devices-" + attack);
            Files.writeString(devices, "honest agent://127.0.0.1:" + agent.listener("http").getPort() + "\n");
            try (ServerProcess dashboard = startDashboard(rig, devices)) {
                InetSocketAddress http = dashboard.listener("http");
                return attackTarget(dashboard, http, "dashboard", attack, "/api/fleet", false, z, () -> switch (attack) {
                    case "dashboard-early-close" -> HttpAttacks.earlyClose(http, "/api/fleet", z.earlyCloses(), z.holdNanos() * 4);
                    case "dashboard-slow-headers" -> HttpAttacks.hold(http, HttpAttacks.Hold.SLOW_HEADERS, z.slowConnections(), z.holdNanos());
                    case "dashboard-events" -> HttpAttacks.hold(http, HttpAttacks.Hold.EVENTS, z.subscribers(), z.holdNanos());
                    default -> throw new IllegalArgumentException(attack);
                });
            }
        }
    }

    /** An attack to run while the honest client polls. */
    private interface AttackRun {
        LoopbackAttacks.Load run() throws InterruptedException;
    }

    /** Waits (at most 20 s) until the target answers an honest poll: "before" is a target that is up. */
    private static void awaitAnswering(InetSocketAddress http, String pollPath, boolean agentStatus)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() - deadline < 0 && !poll(http, pollPath, agentStatus)) {
            Thread.sleep(200);
        }
    }

    private static TargetRow attackTarget(ServerProcess target, InetSocketAddress http, String kind, String attack,
                                          String pollPath, boolean agentStatus, Sizes z, AttackRun run)
            throws InterruptedException {
        awaitAnswering(http, pollPath, agentStatus);
        Thread.sleep(500);
        Reading before = Reading.of(target.pid());
        LoopbackAttacks.Load load;
        String honest;
        Reading peak;
        try (Sampler sampler = new Sampler(target.pid())) {
            try (Poller poller = new Poller(http, pollPath, agentStatus)) {
                load = run.run();
                poller.stopping = true;
                honest = poller.describe();
            }
            Thread.sleep(z.pauseNanos() / 1_000_000L);
            peak = sampler.peak();
        }
        Reading after = Reading.of(target.pid());
        String survived;
        if (target.alive()) {
            survived = poll(http, pollPath, agentStatus) ? "alive, answering" : "alive, not answering";
        } else {
            String err = target.stderr().strip();
            survived = "DIED" + (err.contains("OutOfMemoryError") ? " (OutOfMemoryError)" : "");
        }
        return new TargetRow(kind, attack.substring(attack.indexOf('-') + 1), load.summary(), before, peak, after, honest,
                survived);
    }

    private static List<VictimRow> hostile(Rig rig, String attack) throws IOException, InterruptedException {
        Sizes z = rig.sizes();
        HostileAgent.Mode mode = switch (attack) {
            case "hostile-huge" -> HostileAgent.Mode.HUGE;
            case "hostile-trickle" -> HostileAgent.Mode.TRICKLE;
            case "hostile-escapes" -> HostileAgent.Mode.ESCAPES;
            case "hostile-out-of-range" -> HostileAgent.Mode.OUT_OF_RANGE;
            default -> throw new IllegalArgumentException(attack);
        };
        List<VictimRow> rows = new ArrayList<>();
        try (ServerProcess agent = startAgent(rig, "honest"); HostileAgent evil = new HostileAgent(mode, z.hugeBytes(), z.trickleNanos())) {
            InetSocketAddress honestHttp = agent.listener("http");
            awaitSynced(honestHttp);
            Path devices = rig.dir().resolve("devices-" + attack);
            Files.writeString(devices, "honest agent://127.0.0.1:" + honestHttp.getPort() + "\nevil agent://127.0.0.1:"
                    + evil.address().getPort() + "\n");
            String what = evil.describe();

            CommandRun status = CommandRun.run(rig.launcher(), List.of(), List.of("fleet", "status", "--devices",
                    devices.toString()), z.commandDeadlineNanos());
            String statusOut = status.out();
            rows.add(new VictimRow("fleet status", what, peak(status), took(status), exit(status), row(statusOut, "honest"),
                    Integer.toString(status.rawEscapes()), (status.exitCode() == 0 ? "exit 0 (all IN SYNC); " : "")
                    + "evil: " + row(statusOut, "evil")));

            CommandRun fire = CommandRun.run(rig.launcher(), List.of(), List.of("fleet", "fire", "mark", "--in", "3s",
                    "--key", rig.keyFile().toString(), "--devices", devices.toString()), z.commandDeadlineNanos());
            String fireOut = fire.out();
            rows.add(new VictimRow("fleet fire", what, peak(fire), took(fire), exit(fire), row(fireOut, "honest"),
                    Integer.toString(fire.rawEscapes()), (fire.ignoredSigterm() ? "ignored SIGTERM; " : "")
                    + "evil: " + row(fireOut, "evil") + firstLine(new String(fire.stderr(), StandardCharsets.UTF_8))));

            try (ServerProcess dashboard = startDashboard(rig, devices)) {
                InetSocketAddress http = dashboard.listener("http");
                awaitAnswering(http, "/api/fleet", false);
                Reading peakReading;
                String honest;
                try (Sampler sampler = new Sampler(dashboard.pid())) {
                    try (Poller poller = new Poller(http, "/api/fleet", false)) {
                        Thread.sleep(z.holdNanos() / 1_000_000L);
                        poller.stopping = true;
                        honest = "page polls " + poller.describe();
                    }
                    peakReading = sampler.peak();
                }
                String state = dashboard.alive() ? "alive" : "DIED";
                rows.add(new VictimRow("dashboard", what, peakReading, "ran " + seconds(z.holdNanos()), state, honest,
                        "-", String.format(Locale.ROOT, "%,d requests to the hostile agent",
                        evil.requests())));
            }
        }
        return rows;
    }

    private static Reading peak(CommandRun r) {
        return new Reading(r.rssPeakBytes(), r.descriptorsPeak(), r.threadsPeak());
    }

    private static String took(CommandRun r) {
        return String.format(Locale.ROOT, "%.1f s%s", r.tookNanos() / 1e9, r.stopped() ? " (hung: stopped)" : "");
    }

    private static String exit(CommandRun r) {
        return r.stopped() ? "-" : Integer.toString(r.exitCode());
    }

    /**
     * The first line of a monitor's table that starts with the device {@code name}, control
     * characters shown as '?', shortened; "no row" when there is none.
     */
    static String row(String text, String name) {
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith(name)) {
                String shown = t.substring(name.length()).replaceFirst("^:", "").strip().replaceAll("\\p{Cntrl}", "?").replaceAll(" {2,}", " ");
                return shown.length() > 60 ? shown.substring(0, 60) + "…" : shown;
            }
        }
        return "no row";
    }

    private static String firstLine(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return "";
        }
        int nl = t.indexOf('\n');
        String line = nl < 0 ? t : t.substring(0, nl);
        line = line.replaceAll("\\p{Cntrl}", "?");
        return "; stderr: " + (line.length() > 70 ? line.substring(0, 70) + "…" : line);
    }

    private static String triple(long a, long b, long c, boolean bytes) {
        return bytes ? mib(a) + " / " + mib(b) + " / " + mib(c) : num(a) + " / " + num(b) + " / " + num(c);
    }

    private static String num(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / (double) MIB);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp directory left behind is harmless.
        }
    }
}
