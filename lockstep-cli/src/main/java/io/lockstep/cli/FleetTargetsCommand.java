package io.lockstep.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import io.lockstep.fleet.Device;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.PrometheusTargets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockstep fleet targets --format prometheus}: finds the devices as the other fleet verbs
 * do (fleet file, scan, DNS-SD) and prints them as a Prometheus file_sd JSON list
 * ({@link PrometheusTargets}); with {@code --out FILE} writes it atomically instead (Prometheus
 * re-reads the file when it changes and must never see half of it). Not thread-safe; one
 * instance per invocation.
 */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = {"Prints the fleet's agents as scrape targets: a Prometheus file_sd JSON list "
                + "([{\"targets\": [\"HOST:PORT\"], \"labels\": {\"lockstep_name\": ..., \"lockstep_target\": ...}}]).",
                "Agentless ntp:// and neon:// devices have no /metrics and are left out (counted on stderr). "
                        + "See deploy/prometheus/ for the scrape configuration and rules."})
final class FleetTargetsCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DeviceOptions devices;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "prometheus",
            description = "Output format; only 'prometheus' (file_sd JSON) for now (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the list to FILE (replaced atomically) instead of stdout.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!"prometheus".equals(format)) {
            throw new Cli.BadInput("unknown --format '" + format + "'; the one format is 'prometheus'");
        }
        List<Device> found;
        try {
            found = devices.config(false).source().devices();
        } catch (IllegalArgumentException e) {
            throw e instanceof Cli.BadInput ? e : new Cli.BadInput(e.getMessage(), e);
        }
        String json = JsonText.write(PrometheusTargets.fileSd(found)) + "\n";
        PrintWriter err = spec.commandLine().getErr();
        int leftOut = PrometheusTargets.leftOut(found);
        if (leftOut > 0) {
            err.println("lockstep: left out " + leftOut + " agentless device" + (leftOut == 1 ? "" : "s")
                    + " (ntp://, neon://): they have no /metrics to scrape");
        }
        if (out == null) {
            spec.commandLine().getOut().print(json);
            spec.commandLine().getOut().flush();
        } else {
            Path dir = out.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".lockstep-targets", ".tmp");
            try {
                Files.writeString(tmp, json, StandardCharsets.UTF_8);
                // World-readable: Prometheus runs as its own user and only needs to read addresses.
                tmp.toFile().setReadable(true, false);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            err.println("wrote " + (found.size() - leftOut) + " targets to " + out);
        }
        return found.size() - leftOut > 0 ? 0 : Main.EXIT_FAILURE;
    }
}
