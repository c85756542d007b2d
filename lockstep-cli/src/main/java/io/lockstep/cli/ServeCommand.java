package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.net.Addresses;
import io.lockstep.net.EchoServer;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.ReceiveTimestamps;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code lockstep serve}: serves this host's time (or a simulated clock ahead of it) over NTP and
 * Time Echo, until interrupted or for {@code --duration}. Prints one {@code PROTOCOL HOST:PORT} line
 * per listener on stdout as soon as it listens, so scripts can read the chosen ports. Not
 * thread-safe: picocli makes one instance per invocation; the servers it starts are.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve time over NTP (UDP) and/or Time Echo (TCP), and/or a simulated Companion app.",
                "Port 0 picks a free port; the chosen ports are printed as 'ntp HOST:PORT' / 'echo HOST:PORT' lines,",
                "then 'ntp-timestamps kernel|user': where NTP receive timestamps come from."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 or :: to serve the network).")
    String bind;

    @Option(names = "--ntp-port", paramLabel = "N", description = "Serve NTP on UDP port N (0 = any free port; 123 needs root).")
    Integer ntpPort;

    @Option(names = "--echo-port", paramLabel = "N", description = "Serve Time Echo on TCP port N (0 = any free port).")
    Integer echoPort;

    @Option(names = "--companion-port", paramLabel = "N",
            description = "Also serve a simulated Pupil Labs Companion app (HTTP API, /api/status also as a WebSocket,"
                    + " and its Time Echo port) on the served clock, on TCP port N (0 = any free port); prints"
                    + " 'neon HOST:PORT' and one 'event NAME PHONE_TIMESTAMP_NS' line per event it receives.")
    Integer companionPort;

    @Option(names = "--companion-mdns",
            description = "Announce the simulated Companion app over mDNS as the real app does"
                    + " ('PI monitor:NAME:ID', an _http._tcp service), so discovery finds it.")
    boolean companionMdns;

    @Option(names = "--companion-name", paramLabel = "NAME", defaultValue = "Neon Companion",
            description = "The simulated phone's name (default ${DEFAULT-VALUE}), as its status and mDNS name show it.")
    String companionName;

    @Option(names = "--stratum", paramLabel = "N", defaultValue = "10",
            description = "NTP stratum to announce, 1-15 (default ${DEFAULT-VALUE}: a local reference, like chrony's 'local stratum 10').")
    int stratum;

    @Option(names = "--ntp-rate-limit", paramLabel = "PER_SECOND",
            description = "Requests per second one client may send before a RATE kiss-o'-death (default 32, burst 256; 0 = off).")
    Double ntpRatePerSecond;

    @Option(names = "--ntp-busy-poll",
            description = "Spin one core on the NTP socket. With user-space timestamps: receive timestamps within a few"
                    + " µs of arrival instead of after a thread wake-up (tens of µs on a busy machine). With kernel"
                    + " timestamps it only shortens the round trip. Costs a full core.")
    boolean ntpBusyPoll;

    @Option(names = "--ntp-timestamps", paramLabel = "auto|kernel|user", defaultValue = "auto",
            converter = TimestampsConverter.class,
            description = "Where NTP receive timestamps come from: the kernel (SO_TIMESTAMPNS, 64-bit Linux), user space,"
                    + " or auto (default: kernel where available). Printed as an 'ntp-timestamps kernel|user' line.")
    ReceiveTimestamps ntpTimestamps;

    /** Parses {@code auto|kernel|user} with a one-line error for anything else. */
    static final class TimestampsConverter implements CommandLine.ITypeConverter<ReceiveTimestamps> {
        @Override
        public ReceiveTimestamps convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> ReceiveTimestamps.AUTO;
                case "kernel" -> ReceiveTimestamps.KERNEL;
                case "user" -> ReceiveTimestamps.USER;
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not auto, kernel or user");
            };
        }
    }

    @Option(names = "--simulate-offset", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            defaultValue = "0s",
            description = "Serve a clock that reads this far ahead of this host's clock (for demos and tests).")
    long simulateOffsetNanos;

    @Option(names = "--simulate-drift", paramLabel = "PPM", defaultValue = "0",
            description = "Make the served clock run fast by PPM parts per million.")
    double simulateDriftPpm;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
            description = "Time Echo connections served at once (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Stop after this long (default: run until interrupted).")
    Long durationNanos;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        if (echoPort == null && ntpPort == null && companionPort == null) {
            throw Cli.usage(cl, "nothing to serve: give --ntp-port N, --echo-port N and/or --companion-port N"
                    + " (0 = any free port)");
        }
        if (companionPort != null && (companionPort < 0 || companionPort > 65535)) {
            throw Cli.usage(cl, "--companion-port " + companionPort + " is out of range 0-65535");
        }
        if (companionName.isBlank()) {
            throw Cli.usage(cl, "--companion-name must not be blank");
        }
        if ((companionMdns || !"Neon Companion".equals(companionName)) && companionPort == null) {
            throw Cli.usage(cl, "--companion-mdns and --companion-name need --companion-port N");
        }
        if (echoPort != null && (echoPort < 0 || echoPort > 65535)) {
            throw Cli.usage(cl, "--echo-port " + echoPort + " is out of range 0-65535");
        }
        if (ntpPort != null && (ntpPort < 0 || ntpPort > 65535)) {
            throw Cli.usage(cl, "--ntp-port " + ntpPort + " is out of range 0-65535");
        }
        if (stratum < 1 || stratum > 15) {
            throw Cli.usage(cl, "--stratum " + stratum + " is out of range 1-15");
        }
        if (ntpRatePerSecond != null && (!(ntpRatePerSecond >= 0) || ntpRatePerSecond > 1e9)) {
            throw Cli.usage(cl, "--ntp-rate-limit must be 0 (off) or a positive rate per second");
        }
        if (durationNanos != null && durationNanos <= 0) {
            throw Cli.usage(cl, "--duration must be positive");
        }
        if (maxConnections < 1) {
            throw Cli.usage(cl, "--max-connections must be at least 1");
        }
        if (Math.abs(simulateDriftPpm) > 1e5 || Double.isNaN(simulateDriftPpm)) {
            throw Cli.usage(cl, "--simulate-drift " + simulateDriftPpm + " is not a plausible drift in ppm");
        }
        TimeSource clock = TimeSource.system();
        if (simulateOffsetNanos != 0 || simulateDriftPpm != 0) {
            clock = new SimulatedTimeSource(clock, simulateOffsetNanos, simulateDriftPpm);
        }
        List<AutoCloseable> servers = new ArrayList<>();
        NtpServer ntpServer = null;
        try {
            InetAddress bindAddress;
            try {
                bindAddress = InetAddress.getByName(bind);
            } catch (java.net.UnknownHostException e) {
                throw Cli.usage(cl, "--bind " + bind + ": unknown address");
            }
            if (ntpPort != null) {
                NtpRateLimit limit = ntpRatePerSecond == null ? NtpRateLimit.DEFAULT : NtpRateLimit.perSecond(ntpRatePerSecond);
                NtpServer ntp = NtpServer.start(NtpServerConfig.builder(clock).bindAddress(bindAddress).port(ntpPort)
                        .stratum(stratum).rateLimit(limit).busyPoll(ntpBusyPoll).receiveTimestamps(ntpTimestamps).build());
                servers.add(ntp);
                out.println("ntp " + Addresses.format(ntp.localAddress()));
                ntpServer = ntp;
            }
            if (echoPort != null) {
                EchoServer echo = EchoServer.start(clock, new InetSocketAddress(bindAddress, echoPort),
                        new EchoServer.Options(maxConnections, EchoServer.Options.defaults().idleTimeoutNanos()));
                servers.add(echo);
                out.println("echo " + Addresses.format(echo.address()));
            }
            if (companionPort != null) {
                FakeCompanion app = FakeCompanion.builder(clock).bind(bindAddress).port(companionPort)
                        .deviceName(companionName).advertise(companionMdns)
                        .onEvent(e -> {
                            // A name with a line break would split the line a script reads; the timestamp stays last.
                            out.println("event " + e.name().replaceAll("[\\p{Cntrl}]", "?") + " " + e.timestampNanos());
                            out.flush();
                        }).start();
                servers.add(app);
                out.println("neon " + Addresses.format(app.httpAddress()));
            }
            if (ntpServer != null) {
                // After the listener lines, so scripts that read them first are undisturbed.
                out.println("ntp-timestamps " + ntpServer.receiveTimestamps().word());
                if (ntpTimestamps == ReceiveTimestamps.AUTO && ntpServer.userStampsReason() != null) {
                    err.println("NTP receive timestamps in user space: " + ntpServer.userStampsReason());
                    err.flush();
                }
            }
            out.flush();
            if (simulateOffsetNanos != 0 || simulateDriftPpm != 0) {
                err.println("serving a simulated clock " + Cli.ms(simulateOffsetNanos) + " ahead of this host, drift "
                        + simulateDriftPpm + " ppm");
                err.flush();
            }
            UntilStopped.await(durationNanos, "lockstep-serve-shutdown");
        } finally {
            for (AutoCloseable s : servers) {
                s.close();
            }
        }
        return 0;
    }
}
