package io.lockstep.cli;

import java.util.ArrayList;
import java.util.List;

import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.chrony.ChronyConf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep chrony-conf server}: prints the room's time server's chrony.conf
 * ({@link ChronyConf#server}). Not thread-safe; one instance per invocation.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Prints chrony.conf for the room's time server: serves the room (allow), keeps the room on its "
                + "own clock when offline (local stratum), optionally follows upstream servers.")
final class ChronyConfServerCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--allow", paramLabel = "CIDR",
            description = "A network allowed to ask for time, e.g. 192.168.100.0/24 (repeatable; default: every network).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--upstream", paramLabel = "HOST",
            description = "An upstream NTP server for when the room has internet (repeatable; default: none).")
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--local-stratum", paramLabel = "N", defaultValue = "10",
            description = "Stratum served while no upstream is reachable (default ${DEFAULT-VALUE}).")
    int localStratum;

    @Option(names = "--drift-file", paramLabel = "PATH", defaultValue = ChronyConf.DEFAULT_DRIFT_FILE,
            description = "Where chrony keeps its frequency estimate (default ${DEFAULT-VALUE}).")
    String driftFile;

    @Override
    public Integer call() {
        ChronyConf.Server s;
        try {
            s = new ChronyConf.Server(allow, localStratum, upstreams, driftFile);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        spec.commandLine().getOut().print(ChronyConf.server(s, FleetApi.softwareVersion()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
