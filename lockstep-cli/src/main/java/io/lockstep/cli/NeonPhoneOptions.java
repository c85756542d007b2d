package io.lockstep.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.fleet.CidrRange;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.PhoneDiscovery;
import io.lockstep.neon.Neon;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options {@code event} and {@code record} share for reaching the phones: which phones beside
 * those named ({@code --browse} over mDNS, {@code --scan CIDR} on {@code --phone-port}), where each
 * phone's offset comes from ({@code --log} or a Time Echo burst of {@code --samples}) and the
 * {@code --timeout} of each request. A picocli mixin; not thread-safe, one instance per invocation.
 */
final class NeonPhoneOptions {

    @Option(names = "--log", paramLabel = "FILE",
            description = "Offset log of each phone (from `lockstep track neon://... --log FILE`); one per target, in order."
                    + " Default: a Time Echo burst per phone.")
    List<Path> logs = new ArrayList<>();

    @Option(names = "--samples", paramLabel = "N", defaultValue = "100",
            description = "Exchanges of each Time Echo burst when no --log is given (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Cli.DurationConverter.class, defaultValue = "2s",
            description = "Timeout of each request to a phone (default ${DEFAULT-VALUE}).")
    long timeoutNanos;

    @Option(names = "--browse", description = "Also every Companion phone advertising itself over mDNS "
            + "(_http._tcp, 'PI monitor:...'), as Pupil Labs' own discovery finds them.")
    boolean browse;

    @Option(names = "--browse-time", paramLabel = "DURATION", defaultValue = "3s", converter = Cli.DurationConverter.class,
            description = "How long --browse listens (default ${DEFAULT-VALUE}).")
    long browseNanos;

    @Option(names = "--scan", paramLabel = "CIDR",
            description = "Also every Companion phone answering GET /api/status on --phone-port in this range (at most "
                    + "1024 addresses, a /22), for networks that block multicast. Nothing outside the range is probed.")
    String scan;

    @Option(names = "--phone-port", paramLabel = "N", defaultValue = "" + PhoneDiscovery.DEFAULT_PORT,
            description = "Companion app HTTP port --scan probes (default ${DEFAULT-VALUE}).")
    int phonePort;

    /** True when phones are to be found, not only named. */
    boolean discovering() {
        return browse || scan != null;
    }

    /**
     * The phones named, then those found by {@code --browse} and {@code --scan} (each once, by
     * address); prints one {@code found NAME TARGET} line per phone found on {@code notes}.
     *
     * @throws Cli.BadInput for a bad range or port, {@code --log} with discovery, or no phone at all
     */
    List<String> targets(CommandLine cl, List<String> named, java.io.PrintWriter notes)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(named);
        if (!discovering()) {
            return all;
        }
        if (!logs.isEmpty()) {
            throw Cli.usage(cl, "--log goes with phones named on the command line, one each, not with --browse or --scan");
        }
        if (phonePort < 1 || phonePort > 65535) {
            throw Cli.usage(cl, "--phone-port " + phonePort + " is out of range 1-65535");
        }
        if (browseNanos <= 0) {
            throw Cli.usage(cl, "--browse-time must be positive");
        }
        List<Device> found = new ArrayList<>();
        if (scan != null) {
            CidrRange range;
            try {
                range = CidrRange.parse(scan);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(cl, e.getMessage());
            }
            found.addAll(PhoneDiscovery.scan(range, phonePort, timeoutNanos));
        }
        if (browse) {
            found.addAll(PhoneDiscovery.browse(null, Math.max(1, browseNanos / 1_000_000)));
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        for (String t : named) {
            known.add(Cli.target(t).authority());
        }
        for (Device d : found) {
            if (known.add(d.authority())) {
                all.add(d.target());
                notes.println("found " + d.name() + " " + d.target());
            }
        }
        notes.flush();
        if (all.isEmpty()) {
            throw new IOException("no Companion phones found" + (browse ? " over mDNS" : "")
                    + (scan != null ? (browse ? " or" : "") + " in " + scan + " on port " + phonePort : "")
                    + "; name them as neon://HOST[:PORT]");
        }
        return all;
    }

    /** One {@link Neon} per target, as {@link NeonTargets#open} makes them from these options. */
    List<Neon> open(CommandLine cl, List<String> targets) throws IOException {
        return NeonTargets.open(cl, targets, logs, samples, timeoutNanos);
    }
}
