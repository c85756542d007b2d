package io.lockstep.cli;

import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.chrony.ChronyConf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep chrony-conf device --server HOST[:PORT]}: prints a device's chrony.conf
 * ({@link ChronyConf#device}). Not thread-safe; one instance per invocation.
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Prints chrony.conf for a device: the room's server with iburst and short polling, a step policy "
                + "for Pis without an RTC (makestep 1 -1), rtcsync.")
final class ChronyConfDeviceCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST[:PORT]", required = true,
            description = "The room's time server (chrony, or lockstep serve on that port).")
    String server;

    @Option(names = "--minpoll", paramLabel = "N", defaultValue = "0",
            description = "Shortest polling interval, 2^N s (default ${DEFAULT-VALUE}: 1 s).")
    int minPoll;

    @Option(names = "--maxpoll", paramLabel = "N", defaultValue = "4",
            description = "Longest polling interval, 2^N s (default ${DEFAULT-VALUE}: 16 s).")
    int maxPoll;

    @Option(names = "--drift-file", paramLabel = "PATH", defaultValue = ChronyConf.DEFAULT_DRIFT_FILE,
            description = "Where chrony keeps its frequency estimate (default ${DEFAULT-VALUE}).")
    String driftFile;

    @Override
    public Integer call() {
        ChronyConf.Device d;
        try {
            ChronyConf.Device parsed = ChronyConf.Device.of(server);
            d = new ChronyConf.Device(parsed.host(), parsed.port(), minPoll, maxPoll, driftFile);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        spec.commandLine().getOut().print(ChronyConf.device(d, FleetApi.softwareVersion()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
