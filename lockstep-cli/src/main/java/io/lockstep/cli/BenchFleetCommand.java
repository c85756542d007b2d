package io.lockstep.cli;

import java.io.PrintStream;

import io.lockstep.bench.FleetBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep bench fleet --agents N [--json]}: a room of hundreds of simulated agents polled
 * by the monitor, the dashboard and (when installed) a real Prometheus server
 * ({@link FleetBench} does the work). Not thread-safe; one instance per invocation.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "N agents with simulated clocks in this JVM, polled by the monitor (fleet status), the dashboard "
                + "and a real Prometheus server when installed: time to poll the whole fleet, the monitor's CPU and RSS, "
                + "how soon a killed agent shows unreachable, and how often offsets and the spread hold within their "
                + "bounds of the simulated truth.")
final class BenchFleetCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "200",
            description = "Simulated agents, 1-2000 (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--polls", paramLabel = "N", defaultValue = "30",
            description = "Timed polls of the whole fleet, one a second (default ${DEFAULT-VALUE}).")
    int polls;

    @Option(names = "--no-prometheus", description = "Do not start a Prometheus server even when one is installed.")
    boolean noPrometheus;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the clocks (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Also print one JSON object as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FleetBench.Options o;
        try {
            o = new FleetBench.Options(agents, polls, !noPrometheus, seed);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec.commandLine(), e.getMessage());
        }
        PrintStream out = BenchCommand.stdout(spec);
        int code = FleetBench.run(out, o, json);
        out.flush();
        return code;
    }
}
