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
import io.lockstep.fleet.PhoneDiscovery;
import io.lockstep.protocol.Target;
import io.lockstep.time.Durations;
import picocli.CommandLine.Option;

/**
 * The device options every {@code fleet} verb shares (a picocli mixin): where the devices come
 * from ({@code --devices FILE}, {@code --scan CIDR}, {@code --browse}; DNS-SD browsing when
 * neither a file nor a scan is given; a scan or browse finds agents and Companion phones, the
 * phones as {@code neon://} devices), the reference for agentless devices and the tolerance.
 * {@link #config} turns them into a {@link FleetMonitor.Config}; the sources may be combined.
 * Not thread-safe; one instance per invocation.
 */
final class DeviceOptions {

    @Option(names = "--devices", paramLabel = "FILE",
            description = "Fleet file: one device a line, '[NAME] TARGET' with TARGET agent://HOST[:PORT], "
                    + "ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]; '#' starts a comment.")
    Path devicesFile;

    @Option(names = "--scan", paramLabel = "CIDR",
            description = "Probe every address of this range (at most 1024, a /22) for an agent on --agent-port and a "
                    + "Companion phone on --phone-port, for networks that block multicast. Nothing outside the range "
                    + "is probed.")
    String scan;

    @Option(names = "--phone-port", paramLabel = "N", defaultValue = "" + PhoneDiscovery.DEFAULT_PORT,
            description = "Companion app HTTP port --scan probes (default ${DEFAULT-VALUE}).")
    int phonePort;

    @Option(names = "--agent-port", paramLabel = "N", defaultValue = "" + FleetApi.DEFAULT_HTTP_PORT,
            description = "Agent HTTP port --scan probes (default ${DEFAULT-VALUE}).")
    int agentPort;

    @Option(names = "--browse",
            description = "Find agents (_lockstep._tcp) and Companion phones (_http._tcp, 'PI monitor:...') over "
                    + "DNS-SD; the default when neither --devices nor --scan is given.")
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
        return config(rediscover, note -> { });
    }

    /**
     * {@link #config(boolean)}; phones found by a scan or browse without a {@code --reference}
     * to compare them with are left out, and {@code notes} hears so once.
     */
    FleetMonitor.Config config(boolean rediscover, java.util.function.Consumer<String> notes) {
        if (toleranceNanos < 0) {
            throw new Cli.BadInput("--tolerance must not be negative, got " + Durations.format(toleranceNanos));
        }
        if (timeoutNanos <= 0) {
            throw new Cli.BadInput("--timeout must be positive");
        }
        if (agentPort < 1 || agentPort > 65535) {
            throw new Cli.BadInput("--agent-port " + agentPort + " is out of range 1-65535");
        }
        if (phonePort < 1 || phonePort > 65535) {
            throw new Cli.BadInput("--phone-port " + phonePort + " is out of range 1-65535");
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
        int phones = phonePort;
        long timeout = timeoutNanos;
        java.util.concurrent.atomic.AtomicBoolean noted = new java.util.concurrent.atomic.AtomicBoolean();
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
            List<Device> foundPhones = new ArrayList<>();
            if (range != null) {
                addNew(all, AgentScan.scan(range, port, new AgentClient(timeout)));
                foundPhones.addAll(PhoneDiscovery.scan(range, phones, timeout));
            }
            if (useBrowse) {
                // Agents and phones advertise different types: both browses listen at once.
                java.util.concurrent.CompletableFuture<List<Device>> phoneBrowse =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            try {
                                return PhoneDiscovery.browse(null, browseMillis);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                List<Device> found = new ArrayList<>();
                for (DnsSd.Found f : DnsSd.browse(null, browseMillis)) {
                    found.add(f.device());
                }
                addNew(all, found);
                try {
                    foundPhones.addAll(phoneBrowse.join());
                } catch (java.util.concurrent.CompletionException e) {
                    notes.accept("lockstep: browsing for Companion phones failed: " + e.getCause().getMessage());
                }
            }
            if (ref != null) {
                addNew(all, foundPhones);
            } else {
                List<String> names = new ArrayList<>();
                foundPhones.stream().filter(d -> all.stream().noneMatch(a -> a.authority().equals(d.authority())))
                        .forEach(d -> names.add(d.name() + " (" + d.target() + ")"));
                if (!names.isEmpty() && noted.compareAndSet(false, true)) {
                    notes.accept("lockstep: found " + names.size() + " Companion phone" + (names.size() == 1 ? "" : "s")
                            + " (" + String.join(", ", names) + "); give --reference TARGET to watch "
                            + (names.size() == 1 ? "it" : "them") + " too");
                }
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
