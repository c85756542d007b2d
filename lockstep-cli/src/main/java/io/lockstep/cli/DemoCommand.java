package io.lockstep.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.net.EchoServer;
import io.lockstep.net.OffsetMeter;
import io.lockstep.net.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep demo}: the whole system on this machine with simulated devices. Today: a
 * simulated eye-tracker phone serving Time Echo on loopback, measured the Pupil Labs way and the
 * Lockstep way, with the truth beside both.
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
        PrintWriter out = spec.commandLine().getOut();
        TimeSource local = TimeSource.system();
        SimulatedTimeSource phone = new SimulatedTimeSource(local, offsetNanos, driftPpm);
        out.printf(Locale.ROOT, "Lockstep demo: a simulated phone whose clock reads %s ahead of this PC and drifts %.1f ppm.%n",
                Cli.ms(offsetNanos), driftPpm);
        try (EchoServer server = EchoServer.start(phone, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Target target = Target.parse("echo://127.0.0.1:" + server.port());
            out.printf(Locale.ROOT, "It serves Time Echo (the Pupil Labs Companion protocol) at %s.%n%n", target);
            out.flush();
            OffsetEstimate e = new OffsetMeter(local, 1_000_000_000L, Math.max(100, 2 * Math.abs(driftPpm)))
                    .measure(target, 100, (d, t) -> { });
            long truthNanos = -phone.aheadOfReferenceNanos();
            double truthMs = truthNanos / 1e6;
            out.println("Offset = PC clock − phone clock (phone time = PC time − offset), 100 exchanges:");
            out.printf(Locale.ROOT, "  %-34s %14s %14s %16s%n", "", "offset", "error", "stated bound");
            out.printf(Locale.ROOT, "  %-34s %14s %14s %16s%n", "truth", Cli.ms(truthMs), "", "");
            out.printf(Locale.ROOT, "  %-34s %14s %14s %16s%n", "Pupil Labs mean (their client)",
                    Cli.ms(e.offsetMs().mean()), Cli.ms(e.offsetMs().mean() - truthMs), "none");
            out.printf(Locale.ROOT, "  %-34s %14s %14s %16s%n", "Pupil Labs median",
                    Cli.ms(e.offsetMs().median()), Cli.ms(e.offsetMs().median() - truthMs), "none");
            out.printf(Locale.ROOT, "  %-34s %14s %14s %16s%n", "Lockstep (" + e.method() + ")",
                    Cli.ms(e.offsetNanos()), Cli.ms(e.offsetNanos() - truthNanos), "± " + Cli.ms(e.errorBoundNanos()));
            out.printf(Locale.ROOT, "%nBest round trip %s; truth %s Lockstep's bound.%n",
                    Cli.ms(e.roundTripNanos()), e.contains(truthNanos) ? "lies within" : "LIES OUTSIDE");
            out.flush();
            // The demo's claim is that the bound holds; say so with the exit code too.
            return e.contains(truthNanos) ? 0 : 1;
        }
    }
}
