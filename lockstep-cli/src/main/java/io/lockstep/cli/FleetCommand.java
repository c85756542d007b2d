package io.lockstep.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lockstep fleet}: the parent of the fleet verbs (each its own class, listed in
 * {@code subcommands}). Without a verb it prints its usage and fails. Not thread-safe; one
 * instance per invocation.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "The whole room's clocks against one reference: find the devices, show their sync.",
        subcommands = {
                FleetStatusCommand.class,
                FleetDashboardCommand.class,
                FleetKeygenCommand.class,
                FleetFireCommand.class,
                FleetTargetsCommand.class,
        })
final class FleetCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }
}
