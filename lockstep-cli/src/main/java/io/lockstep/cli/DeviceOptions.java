package io.lockstep.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.AgentScan;
import io.lockstep.fleet.CidrRange;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.DnsSd;
import io.lockstep.fleet.FleetApi;
import io.lockstep.fleet.FleetFile;
import io.lockstep.fleet.FleetMonitor;
import io.lockstep.protocol.Target;
import io.lockstep.time.Durations;
import picocli.CommandLine.Option;

/**
 * The device options every {@code fleet} verb shares (a picocli mixin): where the devices come
 * from ({@code --devices FILE}, {@code --scan CIDR}, {@code --browse}; DNS-SD browsing when
 * neither a file nor a scan is given), the reference for agentless devices and the tolerance.
 * {@link #config} turns them into a {@link FleetMonitor.Config}; the sources may be combined.
 * Not thread-safe; one instance per invocation.
 */
final class DeviceOptions {

    @Option(names = "--devices", paramLabel = "FILE",
            description = "Fleet file: one device a line, '[NAME] TARGET' with TARGET agent://HOST[:PORT], "
                    + "ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]; '#' starts a comment.")
    Path devicesFile;

    @Option(names = "--scan", paramLabel = "CIDR",
            description = "Probe every address of this range (at most 1024, a /22) for an agent on --agent-port, "
                    + "for networks that block multicast. Nothing outside the range is probed.")
    String scan;

    @Option(names = "--agent-port", paramLabel = "N", defaultValue = "" + FleetApi.DEFAULT_HTTP_PORT,
            description = "Agent HTTP port --scan probes (default ${DEFAULT-VALUE}).")
    int agentPort;

    @Option(names = "--browse",
            description = "Find agents over DNS-SD (_lockstep._tcp); the default when neither --devices nor --scan is given.")
    boolean browse;

    @Option(names = "--browse-time", paramLabel = "DURATION", defaultValue = "3s", converter = Cli.DurationConverter.class,
            description = "How long to listen for DNS-SD answers (default ${DEFAULT-VALUE}).")
    long browseNanos;

    @Option(names = "--reference", paramLabel = "TARGET",
            description = "Reference for agentless ntp:// and neon:// devices, which the monitor measures itself "
                    + "(agents track their own reference).")
    String reference;

    @Option(names = "--tolerance", paramLabel = "DURATION", defaultValue = "41.7ms", converter = Cli.DurationConverter.class,
            description = "Largest disagreement allowed between two devices (default ${DEFAULT-VALUE}, one frame at 24 fps).")
    long toleranceNanos;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1.5s", converter = Cli.DurationConverter.class,
            description = "How long one request to an agent may take in all, from connecting to the last byte "
                    + "of the answer (default ${DEFAULT-VALUE}).")
    long timeoutNanos;

    /**
     * The monitor configuration; checks the options first.
     *
     * @param rediscover whether to ask the scan or browse again every 30 s (for long-running views)
     * @throws Cli.BadInput for an oversized or malformed range, a bad target or port
     */
    FleetMonitor.Config config(boolean rediscover) {
        if (toleranceNanos < 0) {
            throw new Cli.BadInput("--tolerance must not be negative, got " + Durations.format(toleranceNanos));
        }
        if (timeoutNanos <= 0) {
            throw new Cli.BadInput("--timeout must be positive");
        }
        if (agentPort < 1 || agentPort > 65535) {
            throw new Cli.BadInput("--agent-port " + agentPort + " is out of range 1-65535");
        }
        if (browseNanos <= 0) {
            throw new Cli.BadInput("--browse-time must be positive");
        }
        Target ref = reference == null ? null : Cli.target(reference);
        CidrRange range;
        try {
            range = scan == null ? null : CidrRange.parse(scan);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        boolean useBrowse = browse || (devicesFile == null && scan == null);
        Path file = devicesFile;
        int port = agentPort;
        long timeout = timeoutNanos;
        long browseMillis = Math.max(1, browseNanos / 1_000_000);
        FleetMonitor.DeviceSource source = () -> {
            List<Device> all = new ArrayList<>();
            if (file != null) {
                try {
                    all.addAll(FleetFile.read(file));
                } catch (FleetFile.FormatException e) {
                    throw new Cli.BadInput(e.getMessage(), e);
                }
            }
            if (range != null) {
                addNew(all, AgentScan.scan(range, port, new AgentClient(timeout)));
            }
            if (useBrowse) {
                List<Device> found = new ArrayList<>();
                for (DnsSd.Found f : DnsSd.browse(null, browseMillis)) {
                    found.add(f.device());
                }
                addNew(all, found);
            }
            return all;
        };
        return new FleetMonitor.Config(source, ref, toleranceNanos, 1_000_000_000L, timeoutNanos,
                rediscover && (range != null || useBrowse) ? 30_000_000_000L : 0, io.lockstep.time.TimeSource.system());
    }

    /** Adds devices not listed yet (by address), so a file and a scan may name the same agent. */
    private static void addNew(List<Device> all, List<Device> found) throws IOException {
        for (Device d : found) {
            boolean known = all.stream().anyMatch(a -> a.via().equals(d.via()) && a.authority().equals(d.authority()));
            if (!known) {
                all.add(d);
            }
        }
    }
}
