package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lockstep.bench.TrackingBench;
import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Survey;
import io.lockstep.net.Addresses;
import io.lockstep.net.EchoServer;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code lockstep demo}: the whole system on this machine with simulated devices, truth beside
 * every estimate: an eye-tracker phone over Time Echo (Pupil Labs way and Lockstep way), three
 * NTP servers with one falseticker, and an hour of tracking over busy Wi-Fi in virtual time.
 * Exits non-zero if any stated bound fails to hold. Not thread-safe: one instance per invocation.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Lockstep end to end on this machine against simulated devices.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--offset", defaultValue = "137.5ms", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "How far the simulated phone's clock reads ahead (default ${DEFAULT-VALUE}).")
    long offsetNanos;

    @Option(names = "--drift", defaultValue = "20", paramLabel = "PPM",
            description = "Simulated phone drift in ppm (default ${DEFAULT-VALUE}).")
    double driftPpm;

    @Override
    public Integer call() throws Exception {
        if (!(Math.abs(driftPpm) <= 1e5)) {
            throw Cli.usage(spec.commandLine(), "--drift " + driftPpm + " is not a plausible drift in ppm (at most 100000)");
        }
        if (Math.abs(offsetNanos) > 3_600_000_000_000L) {
            throw Cli.usage(spec.commandLine(), "--offset must be within an hour");
        }
        PrintWriter out = spec.commandLine().getOut();
        TimeSource local = TimeSource.system();
        out.println("Lockstep demo: simulated devices on this machine, measured for real over loopback.");
        out.println("Offset = this PC's clock − the device's clock (device time = PC time − offset).");
        out.println();
        boolean ok = echoPhone(out, local);
        ok &= ntpServers(out, local);
        ok &= tracking(out);
        out.println();
        out.println(ok ? "Every stated bound held." : "A STATED BOUND DID NOT HOLD: see above.");
        out.flush();
        // The demo's claim is that the bounds hold; say so with the exit code too.
        return ok ? 0 : 1;
    }

    /** 1. An eye-tracker phone over Time Echo, the Pupil Labs way and the Lockstep way. */
    private boolean echoPhone(PrintWriter out, TimeSource local) throws Exception {
        SimulatedTimeSource phone = new SimulatedTimeSource(local, offsetNanos, driftPpm);
        try (EchoServer server = EchoServer.start(phone, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Target target = Target.parse("echo://" + Addresses.format(server.address()));
            out.printf(Locale.ROOT, "1. A phone (clock %s ahead, drifting %.1f ppm) serving Time Echo, the Pupil Labs"
                    + " Companion protocol, at %s; 100 exchanges:%n", Cli.ms(offsetNanos), driftPpm, target);
            out.flush();
            OffsetEstimate e = new OffsetMeter(local, 1_000_000_000L, Math.max(100, 2 * Math.abs(driftPpm)))
                    .measure(target, 100, (d, t) -> { });
            // The truth at the instant the estimate applies to, not at "now" (the phone drifts).
            long truthNanos = -phone.aheadAtReferenceWallNanos(e.localWallNanos());
            double truthMs = truthNanos / 1e6;
            row(out, "", "offset", "error", "stated bound");
            row(out, "truth", Cli.ms(truthMs), "", "");
            row(out, "Pupil Labs mean (their client)", Cli.ms(e.offsetMs().mean()), Cli.ms(e.offsetMs().mean() - truthMs), "none");
            row(out, "Pupil Labs median", Cli.ms(e.offsetMs().median()), Cli.ms(e.offsetMs().median() - truthMs), "none");
            row(out, "Lockstep (" + e.method() + ")", Cli.ms(e.offsetNanos()), Cli.ms(e.offsetNanos() - truthNanos),
                    "± " + Cli.ms(e.errorBoundNanos()));
            out.printf(Locale.ROOT, "   Best round trip %s; the truth %s Lockstep's bound.%n%n",
                    Cli.ms(e.roundTripNanos()), e.contains(truthNanos) ? "lies within" : "LIES OUTSIDE");
            out.flush();
            return e.contains(truthNanos);
        }
    }

    /** 2. Three NTP servers, one of them wrong: selection flags it and combines the others. */
    private boolean ntpServers(PrintWriter out, TimeSource local) throws Exception {
        long wrongNanos = 2_500_000L;
        List<NtpServer> servers = new ArrayList<>();
        try {
            TimeSource[] clocks = {local, local, new SimulatedTimeSource(local, wrongNanos, 0)};
            List<Target> targets = new ArrayList<>();
            for (TimeSource clock : clocks) {
                NtpServer s = NtpServer.start(NtpServerConfig.builder(clock).port(0).build());
                servers.add(s);
                targets.add(Target.parse("ntp://" + Addresses.format(s.localAddress())));
            }
            out.println("2. Three NTP servers (Lockstep's own, as `lockstep serve --ntp-port` runs it); the third"
                    + " reads 2.5 ms ahead, like a misconfigured Pi:");
            out.flush();
            Survey survey = new OffsetMeter(local, 1_000_000_000L).measureAll(targets, 16);
            boolean ok = true;
            for (int i = 0; i < survey.estimates().size(); i++) {
                OffsetEstimate e = survey.estimates().get(i);
                long truth = e.target().equals(targets.get(2).text()) ? -wrongNanos : 0;
                ok &= e.contains(truth);
                row(out, e.target() + (survey.selection().isFalseticker(e) ? "  falseticker" : "  truechimer"),
                        Cli.ms(e.offsetNanos()), Cli.ms(e.offsetNanos() - truth), "± " + Cli.ms(e.errorBoundNanos()));
            }
            OffsetEstimate c = survey.combined();
            row(out, "combined truechimers", Cli.ms(c.offsetNanos()), Cli.ms(c.offsetNanos()), "± " + Cli.ms(c.errorBoundNanos()));
            ok &= c.contains(0) && survey.selection().falsetickers().size() == 1;
            out.println();
            out.flush();
            return ok;
        } finally {
            for (NtpServer s : servers) {
                s.close();
            }
        }
    }

    /** 3. An hour of busy Wi-Fi in virtual time: a one-shot estimate goes stale, tracking does not. */
    private boolean tracking(PrintWriter out) {
        out.println("3. One hour of a phone drifting 15 ppm over busy Wi-Fi (1 Hz exchanges, simulated in virtual"
                + " time; `lockstep bench tracking` runs all scenarios). Error against the truth:");
        out.printf(Locale.ROOT, "   %-24s %12s %12s %14s %12s%n", "estimator", "rms", "p99", "after 1 h gap", "in bound");
        List<TrackingBench.Result> results = TrackingBench.results(1, "busy");
        boolean ok = !results.isEmpty();
        for (TrackingBench.Result r : results) {
            boolean ours = r.estimator().equals("Lockstep");
            out.printf(Locale.ROOT, "   %-24s %9.1f us %9.1f us %11.1f us %12s%n", r.estimator(), r.rmsMicros(),
                    r.p99Micros(), r.holdover1hMicros(),
                    ours ? String.format(Locale.ROOT, "%.1f%%", r.withinBoundPercent()) : "no bound");
            if (ours) {
                ok &= r.withinBoundPercent() == 100.0;
            }
        }
        out.flush();
        return ok;
    }

    private static void row(PrintWriter out, String label, String offset, String error, String bound) {
        out.printf(Locale.ROOT, "   %-44s %14s %14s %16s%n", label, offset, error, bound);
    }
}
