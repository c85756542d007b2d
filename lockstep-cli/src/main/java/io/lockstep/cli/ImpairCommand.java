package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lockstep.sim.ImpairProxy;
import io.lockstep.sim.LinkModel;
import io.lockstep.time.Durations;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep impair}: a UDP or TCP proxy that adds delay, jitter and loss, for trying a rig
 * under bad network conditions. Parses options and prints the listening address; the proxy
 * is {@link ImpairProxy}. Not thread-safe; one instance per invocation.
 */
@Command(name = "impair", mixinStandardHelpOptions = true,
        description = {"A proxy that adds delay, jitter and loss between a client and TARGET.",
                "Prints `impair udp|tcp LISTEN -> TARGET` once listening, then runs until interrupted or --duration."})
final class ImpairCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Where to listen; port 0 picks one.")
    String listen;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "Where to forward to.")
    String target;

    @ArgGroup(exclusive = true)
    Transport transport = new Transport();

    static final class Transport {
        @Option(names = "--udp", description = "Proxy UDP datagrams (the default; NTP).")
        boolean udp;
        @Option(names = "--tcp", description = "Proxy a TCP stream (Time Echo).")
        boolean tcp;
    }

    @Option(names = "--delay", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "One-way base delay (default 0).")
    Long delayNanos;

    @Option(names = "--jitter", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Mean heavy-tailed queueing delay added per direction (default 0).")
    Long jitterNanos;

    @Option(names = "--loss", paramLabel = "PERCENT",
            description = "Loss per direction, percent (TCP: a lost chunk waits a 200 ms retransmission).")
    Double lossPercent;

    @Option(names = "--asymmetry", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Request delay minus reply delay (biases offsets by half of it; default 0).")
    Long asymmetryNanos;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "A ready link instead of --delay/--jitter/--loss: lan, busy-wifi or asymmetric.")
    String profile;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for jitter and loss.")
    long seed;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Stop after this long (default: run until interrupted).")
    Long durationNanos;

    @Option(names = "--json", description = "Print the listening line and the final counts as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (durationNanos != null && durationNanos <= 0) {
            throw new Cli.BadInput("--duration must be positive");
        }
        InetSocketAddress listenAddress = address(listen, "--listen");
        InetSocketAddress targetAddress = address(target, "--target");
        LinkModel model = model();
        boolean tcp = transport.tcp;
        PrintWriter out = spec.commandLine().getOut();
        try (ImpairProxy proxy = tcp ? ImpairProxy.tcp(listenAddress, targetAddress, model, seed)
                : ImpairProxy.udp(listenAddress, targetAddress, model, seed)) {
            String local = io.lockstep.net.Addresses.format(proxy.localAddress());
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("protocol", tcp ? "tcp" : "udp");
                m.put("listen", local);
                m.put("target", target);
                out.println(JsonOutput.write(m));
            } else {
                out.println("impair " + (tcp ? "tcp " : "udp ") + local + " -> " + target);
            }
            out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            if (durationNanos == null) {
                forever.await();
            } else {
                forever.await(durationNanos, TimeUnit.NANOSECONDS);
            }
            if (json) {
                out.println(JsonOutput.write(Map.of("forwarded", proxy.forwarded(), "lost", proxy.lost())));
            } else {
                out.printf(Locale.ROOT, "forwarded %d, lost %d%n", proxy.forwarded(), proxy.lost());
            }
            out.flush();
        }
        return 0;
    }

    LinkModel model() {
        if (profile != null) {
            if (delayNanos != null || jitterNanos != null || lossPercent != null || asymmetryNanos != null) {
                throw new Cli.BadInput("--profile sets delay, jitter, loss and asymmetry itself;"
                        + " give either --profile or those options");
            }
            try {
                return LinkModel.profile(profile.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // A misspelt profile is the user's input: exit 2, not a failure.
                throw new Cli.BadInput("--profile: " + e.getMessage(), e);
            }
        }
        double loss = lossPercent == null ? 0 : lossPercent;
        if (!(loss >= 0 && loss < 100)) {
            throw new Cli.BadInput("--loss must be a percentage in [0, 100)");
        }
        long d = nonNegative(delayNanos, "--delay");
        long j = nonNegative(jitterNanos, "--jitter");
        long a = asymmetryNanos == null ? 0 : asymmetryNanos;
        if (Math.abs(a) > 2 * d) {
            throw new Cli.BadInput("--asymmetry " + Durations.format(a) + " needs a --delay of at least half of it");
        }
        return LinkModel.of(d, j, loss / 100.0, a);
    }

    static InetSocketAddress address(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new Cli.BadInput(option + " '" + text + "' must be HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new Cli.BadInput(option + " '" + text + "' has no port number");
        }
        if (port < 0 || port > 65535) {
            throw new Cli.BadInput(option + " port " + port + " is out of range 0-65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new Cli.BadInput("unknown host: " + host);
        }
        return a;
    }

    private static long nonNegative(Long nanos, String option) {
        if (nanos == null) {
            return 0;
        }
        if (nanos < 0) {
            throw new Cli.BadInput(option + " must not be negative");
        }
        return nanos;
    }
}
