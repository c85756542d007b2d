package io.lockstep.cli;

import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

import io.lockstep.fleet.trigger.FleetKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep fleet keygen --out FILE}: writes a new random fleet key, readable by its owner
 * only; never overwrites an existing file. The library's {@link FleetKey} does the work. Not
 * thread-safe; one instance per invocation.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Writes a new random fleet key (HMAC-SHA256) for signing triggers, owner-only.",
                "Copy it to every agent (agent --key FILE) and keep it secret: whoever holds it can fire the "
                        + "fleet's actions. An existing file is never overwritten."})
final class FleetKeygenCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the key.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        try {
            Cli.openOutput("--out", out, () -> FleetKey.generate(out));
        } catch (FileAlreadyExistsException e) {
            throw new Cli.BadInput(out + " already exists; a new key would lock the fleet out until every agent "
                    + "has it, so remove the file first if you mean it");
        }
        w.println("wrote a " + FleetKey.KEY_BYTES * 8 + "-bit fleet key to " + out
                + " (owner-only); give it to every agent with --key and keep it secret");
        w.flush();
        return 0;
    }
}
