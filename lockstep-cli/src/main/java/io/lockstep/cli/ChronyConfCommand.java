package io.lockstep.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lockstep chrony-conf}: the parent of {@code server} and {@code device}, which print the
 * room's chrony plan. Without a verb it prints its usage and fails. Not thread-safe; one instance
 * per invocation.
 */
@Command(name = "chrony-conf", mixinStandardHelpOptions = true,
        description = {"Prints a commented chrony.conf for the room's time server or for a device.",
                "Each directive is preceded by a comment saying why; install it as /etc/chrony/chrony.conf."},
        subcommands = {ChronyConfServerCommand.class, ChronyConfDeviceCommand.class})
final class ChronyConfCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }
}
