package io.lockstep.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lockstep.fleet.DeviceRow;
import io.lockstep.fleet.FleetMonitor;
import io.lockstep.fleet.FleetSnapshot;
import io.lockstep.time.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockstep fleet status}: one row per device (name, target, how measured, state, offset to
 * the reference ± bound, drift, sample age; under a {@code neon://} phone a line with its battery,
 * storage, glasses, recording and warnings), then the fleet line with the spread and the
 * verdict; exits 0 only when every device is reachable, synced and the spread is proved within
 * the tolerance. {@code --watch} redraws every second. The monitor does the work. Not
 * thread-safe; one instance per invocation.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows every device's clock against the reference and whether the fleet is within tolerance.",
                "OFFSET is device clock − reference clock (+20 ms: the device reads 20 ms ahead); DRIFT is how fast the "
                        + "reference runs relative to the device, in ppm. Exit 0 only when every device is reachable, "
                        + "synced, and the spread plus its bound is within --tolerance."})
final class FleetStatusCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DeviceOptions devices;

    @Option(names = "--watch", description = "Refresh every second until interrupted (or --duration / --count).")
    boolean watch;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "With --watch: stop after this long.")
    Long durationNanos;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "With --watch: stop after N refreshes (default 0: no limit).")
    int count;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "15s", converter = Cli.DurationConverter.class,
            description = "Without --watch: how long to wait for reachable devices that are not synced yet (agents just "
                    + "started, the monitor's own trackers for ntp:// and neon:// devices) before printing "
                    + "(default ${DEFAULT-VALUE}).")
    long settleNanos;

    @Option(names = "--json", description = "Print the snapshot as one JSON object (with --watch: one per line).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 0) {
            throw new Cli.BadInput("--count must not be negative");
        }
        if (durationNanos != null && durationNanos <= 0) {
            throw new Cli.BadInput("--duration must be positive");
        }
        if ((durationNanos != null || count > 0) && !watch) {
            throw new Cli.BadInput("--duration and --count go with --watch");
        }
        if (settleNanos <= 0) {
            throw new Cli.BadInput("--settle must be positive");
        }
        FleetMonitor.Config config = devices.config(watch, note -> {
            err.println(note);
            err.flush();
        });
        FleetMonitor monitor;
        try {
            monitor = FleetMonitor.open(config);
        } catch (IllegalArgumentException e) {
            throw e instanceof Cli.BadInput ? e : new Cli.BadInput(e.getMessage(), e);
        }
        try (monitor) {
            if (monitor.devices().isEmpty()) {
                err.println("lockstep: no devices found" + (devices.devicesFile == null && devices.scan == null
                        ? " over DNS-SD; name them with --devices FILE or find them with --scan CIDR" : ""));
                return Main.EXIT_FAILURE;
            }
            if (!watch) {
                FleetSnapshot s = monitor.awaitSettled(settleNanos);
                print(out, s, false);
                return s.withinTolerance() ? 0 : Main.EXIT_FAILURE;
            }
            boolean terminal = !json && System.console() != null;
            CountDownLatch done = new CountDownLatch(1);
            AtomicInteger shown = new AtomicInteger();
            AtomicReference<FleetSnapshot> last = new AtomicReference<>();
            monitor.addListener(s -> {
                last.set(s);
                print(out, s, terminal);
                if (count > 0 && shown.incrementAndGet() >= count) {
                    done.countDown();
                }
            });
            Thread hook = new Thread(done::countDown, "lockstep-fleet-status-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                monitor.start();
                if (durationNanos != null) {
                    done.await(durationNanos, TimeUnit.NANOSECONDS);
                } else {
                    done.await();
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException exiting) {
                    // The JVM is shutting down on Ctrl-C; the monitor closes below regardless.
                }
            }
            FleetSnapshot s = last.get();
            return s != null && s.withinTolerance() ? 0 : Main.EXIT_FAILURE;
        }
    }

    private synchronized void print(PrintWriter out, FleetSnapshot s, boolean redraw) {
        if (json) {
            out.println(JsonOutput.write(s.toJson()));
        } else {
            if (redraw) {
                // Home and clear: the table is redrawn in place.
                out.print("\033[H\033[2J");
            } else if (watch) {
                out.println();
            }
            out.print(table(s));
        }
        out.flush();
    }

    /** The human table: a header, one row per device, the fleet line. */
    static String table(FleetSnapshot s) {
        int nameWidth = 4;
        int targetWidth = 6;
        for (DeviceRow r : s.devices()) {
            nameWidth = Math.max(nameWidth, r.name().length());
            targetWidth = Math.max(targetWidth, r.target().length());
        }
        String format = "%-" + nameWidth + "s  %-" + targetWidth + "s  %-5s  %-11s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, "NAME", "TARGET", "VIA", "STATE", "OFFSET ± BOUND, DRIFT, AGE"));
        for (DeviceRow r : s.devices()) {
            String detail;
            if (r.offsetNanos() != null && r.errorBoundNanos() != null) {
                detail = String.format(Locale.ROOT, "%s ± %s", signed(r.offsetNanos()), Durations.format(r.errorBoundNanos()));
                detail += yearsOff(r.offsetNanos());
                if (r.driftPpm() != null) {
                    detail += String.format(Locale.ROOT, "  drift %+.3f ppm", r.driftPpm());
                }
                if (r.sampleAgeNanos() != null) {
                    detail += "  age " + Durations.format(r.sampleAgeNanos());
                }
                if (r.error() != null) {
                    detail += "  (" + r.error() + ")";
                }
                detail += chronyDetail(r);
            } else {
                detail = r.error() == null ? "-" : r.error();
            }
            sb.append(String.format(Locale.ROOT, format, r.name(), r.target(), r.via(), r.stateWord(), detail));
            if (r.phone() != null) {
                // A Companion phone's health goes on its own line under the row, beside nothing else.
                sb.append(" ".repeat(nameWidth + 2)).append("phone: ")
                        .append(r.phone().line(r.offsetNanos() == null ? null : r.sampleAgeNanos()))
                        .append(System.lineSeparator());
            }
        }
        sb.append(s.fleetLine()).append(System.lineSeparator());
        return sb.toString();
    }

    /**
     * A clock a day or more off (a Pi without an RTC that booted at 1970 or its last shutdown)
     * is said in days or years: a ten-digit number of seconds hides what happened.
     */
    static String yearsOff(long offsetNanos) {
        double days = Math.abs(offsetNanos) / 86_400e9;
        if (days < 1) {
            return "";
        }
        String how = offsetNanos < 0 ? "behind" : "ahead";
        return days < 365 ? String.format(Locale.ROOT, " (%.1f days %s)", days, how)
                : String.format(Locale.ROOT, " (%.1f years %s)", days / 365.25, how);
    }

    /** The device's chronyd beside its agent: "chrony +12 µs ± 40 µs", flagged when they disagree. */
    static String chronyDetail(DeviceRow r) {
        if (r.chrony() == null) {
            return "";
        }
        if (!r.chrony().synced()) {
            return "  chrony UNSYNCHRONISED";
        }
        String s = "  chrony " + signed(r.chrony().offsetNanos()) + " ± " + Durations.format(r.chrony().errorBoundNanos());
        if (r.chronyDisagrees()) {
            s += " DISAGREES (agent: system " + signed(r.chrony().systemOffsetNanos()) + " ± "
                    + Durations.format(r.chrony().systemErrorBoundNanos()) + ")";
        }
        return s;
    }

    private static String signed(long nanos) {
        return (nanos >= 0 ? "+" : "") + Durations.format(nanos);
    }
}
