package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;

import io.lockstep.fleet.FleetMonitor;
import io.lockstep.fleet.dashboard.Dashboard;
import io.lockstep.fleet.dashboard.FiringFeed;
import io.lockstep.net.Addresses;
import io.lockstep.time.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockstep fleet dashboard}: serves the live fleet page (a table updated every second
 * over server-sent events, and a plot of each device's offset with its bound over the last
 * minutes) until interrupted or for {@code --duration}. Prints {@code http HOST:PORT} once
 * listening. The monitor polls, the library's {@link Dashboard} serves. Not thread-safe; one
 * instance per invocation.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves a live web page of the fleet: every device's offset ± bound, the spread against "
                + "the tolerance, and a plot of the last minutes. Needs no internet.",
                "Prints 'http HOST:PORT' once listening; open that address in a browser."})
final class FleetDashboardCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DeviceOptions devices;

    @Option(names = "--http", paramLabel = "ADDR:PORT", required = true,
            description = "Where the page is served, e.g. 127.0.0.1:8080 (port 0 picks a free port).")
    String http;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "5m", converter = Cli.DurationConverter.class,
            description = "How far back the plot reaches; a newly opened page gets this much history (default ${DEFAULT-VALUE}).")
    long windowNanos;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Stop after this long (default: until interrupted).")
    Long durationNanos;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress address = AgentCommand.address(http);
        if (durationNanos != null && durationNanos <= 0) {
            throw new Cli.BadInput("--duration must be positive");
        }
        if (windowNanos < 10_000_000_000L || windowNanos > 24 * 3_600_000_000_000L) {
            throw new Cli.BadInput("--window must be between 10s and 24h, got " + Durations.format(windowNanos));
        }
        FleetMonitor.Config config = devices.config(true, note -> {
            err.println(note);
            err.flush();
        });
        FleetMonitor monitor;
        try {
            monitor = FleetMonitor.open(config);
        } catch (IllegalArgumentException e) {
            throw e instanceof Cli.BadInput ? e : new Cli.BadInput(e.getMessage(), e);
        }
        Dashboard started;
        try {
            started = Dashboard.start(monitor, address, windowNanos);
        } catch (java.net.BindException e) {
            monitor.close();
            throw new java.io.IOException("cannot serve the dashboard on " + Addresses.format(address) + ": "
                    + e.getMessage(), e);
        } catch (java.io.IOException | RuntimeException e) {
            monitor.close();
            throw e;
        }
        try (monitor; Dashboard dashboard = started;
             FiringFeed firings = FiringFeed.start(monitor, started, 2_000_000_000L)) {
            if (monitor.devices().isEmpty()) {
                // Not fatal: with a scan or DNS-SD the monitor looks again, and the page shows when they appear.
                err.println("lockstep: no devices found yet; the dashboard keeps looking"
                        + (devices.devicesFile == null && devices.scan == null ? " over DNS-SD" : ""));
            }
            monitor.start();
            out.println("http " + Addresses.format(dashboard.address()));
            out.flush();
            UntilStopped.await(durationNanos, "lockstep-dashboard-shutdown");
        }
        return 0;
    }
}
