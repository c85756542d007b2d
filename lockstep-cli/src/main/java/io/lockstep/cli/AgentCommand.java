package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.chrony.ChronyWatch;
import io.lockstep.net.Addresses;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockstep agent}: runs the fleet agent on this device until interrupted (or for
 * {@code --duration}): tracks the reference, serves {@code /api/status} and {@code /metrics},
 * advertises itself over DNS-SD, optionally serves its own clock, and with {@code --key} and
 * {@code --actions} runs its actions on signed triggers ({@code POST /api/triggers}, printing one
 * line per acceptance, refusal and firing). Prints {@code http HOST:PORT}
 * (and {@code ntp}/{@code echo} lines) once listening. The library's {@link Agent} does the
 * work. Not thread-safe; one instance per invocation.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs on each device: tracks the reference and serves its sync state to the monitor.",
                "GET /api/status (JSON) and GET /metrics (Prometheus text); advertised over DNS-SD as _lockstep._tcp. "
                        + "Never changes the system clock."})
final class AgentCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--reference", paramLabel = "TARGET", required = true,
            description = "The clock to follow: ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT].")
    String reference;

    @Option(names = "--name", paramLabel = "NAME", description = "Name shown by the monitor (default: the host name).")
    String name;

    @Option(names = "--http", paramLabel = "ADDR:PORT", defaultValue = "0.0.0.0:" + FleetApi.DEFAULT_HTTP_PORT,
            description = "Where the HTTP API listens (default ${DEFAULT-VALUE}; port 0 picks a free port).")
    String http;

    @Option(names = "--log", paramLabel = "FILE", description = "Append one CSV row per exchange (the input of `lockstep correct`).")
    Path log;

    @Option(names = "--ntp-port", paramLabel = "N", description = "Also serve this device's clock over NTP on UDP port N (0: free port).")
    Integer ntpPort;

    @Option(names = "--echo-port", paramLabel = "N", description = "Also serve this device's clock over Time Echo on TCP port N (0: free port).")
    Integer echoPort;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Cli.DurationConverter.class,
            description = "Time between exchanges with the reference (default ${DEFAULT-VALUE}).")
    long intervalNanos;

    @Option(names = "--simulate-offset", paramLabel = "DURATION", defaultValue = "0s", converter = Cli.DurationConverter.class,
            description = "Make this agent's own clock read this far ahead of the host's (for demos and tests).")
    long simulateOffsetNanos;

    @Option(names = "--simulate-drift", paramLabel = "PPM", defaultValue = "0",
            description = "Make this agent's own clock run fast by PPM parts per million.")
    double simulateDriftPpm;

    @Option(names = "--no-dnssd", description = "Do not advertise over DNS-SD (the monitor then needs --scan or --devices).")
    boolean noDnsSd;

    @Option(names = "--chronyc", paramLabel = "COMMAND",
            description = "How to ask the local chronyd for its view of the system clock, reported beside the agent's own "
                    + "(default: 'chronyc -c -n tracking' when chronyc is installed; words split at spaces, e.g. "
                    + "'chronyc -c -n -h /run/chrony/chronyd.sock tracking'; 'none' to not ask).")
    String chronyc;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Stop after this long (default: run until interrupted).")
    Long durationNanos;

    @Mixin
    AgentTriggerOptions triggers;

    /** The agent while it runs (tests read it). */
    volatile Agent running;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target ref = Cli.target(reference);
        InetSocketAddress httpAddress = address(http);
        checkPort(ntpPort, "--ntp-port");
        checkPort(echoPort, "--echo-port");
        if (intervalNanos <= 0) {
            throw new Cli.BadInput("--interval must be positive");
        }
        try {
            io.lockstep.track.TrackingOptions.defaults().withIntervalNanos(intervalNanos).checkFor(ref.protocol());
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput("--interval: " + e.getMessage());
        }
        if (durationNanos != null && durationNanos <= 0) {
            throw new Cli.BadInput("--duration must be positive");
        }
        if (Math.abs(simulateDriftPpm) > 1e5 || Double.isNaN(simulateDriftPpm)) {
            throw new Cli.BadInput("--simulate-drift " + simulateDriftPpm + " is not a plausible drift in ppm");
        }
        TimeSource local = TimeSource.system();
        boolean simulated = simulateOffsetNanos != 0 || simulateDriftPpm != 0;
        if (simulated) {
            local = new SimulatedTimeSource(local, simulateOffsetNanos, simulateDriftPpm);
        }
        AgentConfig config;
        try {
            config = AgentConfig.of(ref, name == null ? hostName() : name, httpAddress).withLocal(local).withLog(log)
                    .withNtpPort(ntpPort).withEchoPort(echoPort).withAdvertise(!noDnsSd).withIntervalNanos(intervalNanos);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput("--name: " + e.getMessage());
        }
        AgentTriggerOptions.Loaded loaded = triggers.load();
        Agent started;
        try {
            started = Agent.start(config);
        } catch (java.net.BindException e) {
            // The JDK says only "Address already in use"; say which of the agent's listeners it was.
            throw new java.io.IOException("cannot start the agent on --http " + http
                    + (ntpPort == null ? "" : ", --ntp-port " + ntpPort) + (echoPort == null ? "" : ", --echo-port " + echoPort)
                    + ": " + String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT), e);
        }
        try (Agent agent = started; AgentTriggerOptions.Desk desk = triggers.install(agent, loaded, out, err)) {
            java.util.List<String> chronyCommand = chronyc == null ? ChronyWatch.defaultCommand()
                    : chronyc.isBlank() || chronyc.trim().equals("none") ? null : java.util.List.of(chronyc.trim().split("\\s+"));
            if (chronyCommand != null) {
                // Every 10 s: chrony's view changes slowly, and a process per status request would cost a Pi.
                agent.watchChrony(ChronyWatch.start(chronyCommand, 10_000_000_000L));
            }
            running = agent;
            err.println(desk.desk().schedulerMode());
            out.println("http " + Addresses.format(agent.httpAddress()));
            if (agent.ntpAddress() != null) {
                out.println("ntp " + Addresses.format(agent.ntpAddress()));
            }
            if (agent.echoAddress() != null) {
                out.println("echo " + Addresses.format(agent.echoAddress()));
            }
            out.flush();
            if (simulated) {
                err.println("agent clock simulated " + Cli.ms(simulateOffsetNanos) + " ahead of this host, drift "
                        + simulateDriftPpm + " ppm");
                err.flush();
            }
            UntilStopped.await(durationNanos, "lockstep-agent-shutdown");
        } finally {
            running = null;
        }
        return 0;
    }

    private static void checkPort(Integer port, String option) {
        if (port != null && (port < 0 || port > 65535)) {
            throw new Cli.BadInput(option + " " + port + " is out of range 0-65535");
        }
    }

    /** Parses {@code ADDR:PORT} ({@code [v6]:PORT} for IPv6). */
    static InetSocketAddress address(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0 || colon == t.length() - 1) {
            throw new Cli.BadInput("--http " + t + ": write ADDR:PORT, e.g. 0.0.0.0:" + FleetApi.DEFAULT_HTTP_PORT);
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new Cli.BadInput("--http " + t + ": put an IPv6 address in brackets, e.g. [::1]:7474");
        }
        String portText = t.substring(colon + 1);
        if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) > 65535) {
            throw new Cli.BadInput("--http " + t + ": port '" + portText + "' is not a number 0-65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host.isEmpty() ? "0.0.0.0" : host), Integer.parseInt(portText));
        } catch (UnknownHostException e) {
            throw new Cli.BadInput("--http " + t + ": unknown address " + host);
        }
    }

    private static String hostName() {
        try {
            String n = java.nio.file.Files.readString(Path.of("/etc/hostname")).trim();
            if (!n.isEmpty()) {
                return n.length() > 63 ? n.substring(0, 63) : n;
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // Fall back to the resolver below.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lockstep-agent";
        }
    }
}
