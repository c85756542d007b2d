package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lockstep.net.EchoServer;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep serve}: serves this host's time (or a simulated clock ahead of it) over Time
 * Echo, until interrupted or for {@code --duration}. Prints one {@code PROTOCOL HOST:PORT} line
 * per listener on stdout as soon as it listens, so scripts can read the chosen ports.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve time over Time Echo (TCP).",
                "Port 0 picks a free port; the chosen ports are printed as 'echo HOST:PORT' lines."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 or :: to serve the network).")
    String bind;

    @Option(names = "--echo-port", paramLabel = "N", description = "Serve Time Echo on TCP port N (0 = any free port).")
    Integer echoPort;

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
        if (echoPort == null) {
            throw Cli.usage(cl, "nothing to serve: give --echo-port N (0 = any free port)");
        }
        if (echoPort < 0 || echoPort > 65535) {
            throw Cli.usage(cl, "--echo-port " + echoPort + " is out of range 0-65535");
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
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "lockstep-serve-shutdown");
        try {
            InetSocketAddress echoBind = new InetSocketAddress(bind, echoPort);
            if (echoBind.isUnresolved()) {
                throw Cli.usage(cl, "--bind " + bind + ": unknown address");
            }
            EchoServer echo = EchoServer.start(clock, echoBind,
                    new EchoServer.Options(maxConnections, EchoServer.Options.defaults().idleTimeoutNanos()));
            servers.add(echo);
            out.println("echo " + hostPort(echo.address()));
            out.flush();
            if (simulateOffsetNanos != 0 || simulateDriftPpm != 0) {
                err.println("serving a simulated clock " + Cli.ms(simulateOffsetNanos) + " ahead of this host, drift "
                        + simulateDriftPpm + " ppm");
                err.flush();
            }
            Runtime.getRuntime().addShutdownHook(hook);
            if (durationNanos != null) {
                stop.await(durationNanos, TimeUnit.NANOSECONDS);
            } else {
                stop.await();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting; the servers close below regardless.
            }
            for (AutoCloseable s : servers) {
                s.close();
            }
        }
        return 0;
    }

    static String hostPort(InetSocketAddress a) {
        return io.lockstep.internal.Addresses.format(a);
    }
}
