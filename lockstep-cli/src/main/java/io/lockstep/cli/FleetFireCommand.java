package io.lockstep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.trigger.FleetFire;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.fleet.trigger.Trigger;
import io.lockstep.time.Durations;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lockstep fleet fire ACTION (--in D | --at TIME)}: fires an action on every agent at one
 * reference instant (or periodically with {@code --every}/{@code --count}), prints each agent's
 * acknowledgement, then one row per device and the fleet's fire spread with its bound; exits
 * non-zero when any device refused, missed, failed or fired outside {@code --tolerance}. The
 * library's {@link FleetFire} does the work. Not thread-safe; one instance per invocation.
 */
@Command(name = "fire", mixinStandardHelpOptions = true,
        description = {"Fires ACTION on every agent at one instant of the reference clock.",
                "Each agent checks the signed trigger against its own --actions file and clock, acknowledges with "
                        + "its predicted error bound, and reports when it fired. Prints one row per device and the "
                        + "fire spread (max - min of the devices' fired reference times) with its bound. Exit 0 only "
                        + "when every agent fired every time within --tolerance."})
final class FleetFireCommand implements java.util.concurrent.Callable<Integer> {

    /** The least time the monitor wants before the instant, to reach every agent. */
    private static final long MIN_LEAD_NANOS = FleetFire.MIN_LEAD_NANOS;
    /** {@code --at next:D} picks a multiple at least this far ahead. */
    private static final long NEXT_LEAD_NANOS = 1_000_000_000L;
    /** Requests to agents get at least this long: the first ones of a fresh JVM are slow. */
    private static final long MIN_TIMEOUT_NANOS = 2_000_000_000L;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION", description = "The action's name in the agents' actions files.")
    String action;

    static final class When {
        @Option(names = "--in", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
                description = "Fire this long from now (reference clock), e.g. 3s.")
        Long inNanos;

        @Option(names = "--at", paramLabel = "TIME",
                description = "Fire at TIME of the reference clock: an ISO-8601 instant (2026-05-01T12:00:10Z), "
                        + "+DURATION, or next:DURATION (the next multiple of DURATION at least 1 s ahead, e.g. next:10s).")
        String at;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    When when;

    @Option(names = "--every", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Fire repeatedly with this period, in phase on the reference clock.")
    Long everyNanos;

    @Option(names = "--count", paramLabel = "N", description = "How many times to fire (with --every; default 1).")
    Integer count;

    @Option(names = "--key", paramLabel = "FILE", required = true, description = "The fleet key (owner-only) to sign with.")
    Path keyFile;

    @Option(names = "--max-bound", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Agents refuse when their error bound at the instant would exceed this "
                    + "(default: half the tolerance, so two devices' bounds together fit in it).")
    Long maxBoundNanos;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin
    DeviceOptions devices;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!io.lockstep.fleet.action.Action.NAME.matcher(action).matches()) {
            throw new Cli.BadInput("'" + action + "' is not an action name (letters, digits, '_', '.', '-'; at most 64)");
        }
        int n = count == null ? 1 : count;
        if (n < 1 || n > Trigger.MAX_COUNT) {
            throw new Cli.BadInput("--count must be between 1 and " + Trigger.MAX_COUNT);
        }
        if (everyNanos != null && everyNanos <= 0) {
            throw new Cli.BadInput("--every must be positive");
        }
        if (n > 1 && everyNanos == null) {
            throw new Cli.BadInput("--count " + n + " needs --every PERIOD");
        }
        if (when.inNanos != null && when.inNanos < MIN_LEAD_NANOS) {
            throw new Cli.BadInput("--in must be at least " + Durations.formatCompact(MIN_LEAD_NANOS)
                    + ": the trigger must reach every agent before the instant");
        }
        if (maxBoundNanos != null && maxBoundNanos <= 0) {
            throw new Cli.BadInput("--max-bound must be positive");
        }
        java.util.function.LongUnaryOperator instant = instant();
        var config = devices.config(false);
        if (!java.nio.file.Files.exists(keyFile)) {
            throw new Cli.BadInput("--key " + keyFile + ": no such file (make one with `lockstep fleet keygen --out FILE`)");
        }
        FleetKey key;
        try {
            key = FleetKey.load(keyFile);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage(), e);
        }
        List<Device> found;
        try {
            found = config.source().devices();
        } catch (IllegalArgumentException e) {
            throw e instanceof Cli.BadInput ? e : new Cli.BadInput(e.getMessage(), e);
        }
        if (found.stream().noneMatch(d -> d.kind() == Device.Kind.AGENT)) {
            err.println("lockstep: no agents found" + (devices.devicesFile == null && devices.scan == null
                    ? " over DNS-SD; name them with --devices FILE or find them with --scan CIDR" : ""));
            return Main.EXIT_FAILURE;
        }
        FleetFire fire = new FleetFire(key, Math.max(devices.timeoutNanos, MIN_TIMEOUT_NANOS));
        long now = fire.referenceNowNanos(found);
        long at = instant.applyAsLong(now);
        if (at - now < MIN_LEAD_NANOS) {
            throw new Cli.BadInput("the instant " + iso(at) + " is " + (at <= now ? Durations.format(now - at) + " past"
                    : "only " + Durations.format(at - now) + " ahead") + "; give the trigger at least "
                    + Durations.formatCompact(MIN_LEAD_NANOS) + " to reach the agents");
        }
        long tolerance = devices.toleranceNanos;
        long bound = maxBoundNanos != null ? maxBoundNanos : FleetFire.Plan.boundLimitFor(tolerance);
        FleetFire.Plan plan = new FleetFire.Plan(action, at, everyNanos == null ? 0 : everyNanos, n, tolerance, bound);
        if (!json) {
            out.println("firing " + action + " at " + iso(at) + " (reference, in " + Durations.format(at - now) + ")"
                    + (plan.everyNanos() > 0 ? " every " + Durations.formatCompact(plan.everyNanos()) + " x" + n : "")
                    + " on " + found.stream().filter(d -> d.kind() == Device.Kind.AGENT).count() + " agents; bound limit "
                    + Durations.format(bound) + ", tolerance " + Durations.format(tolerance));
            out.flush();
        }
        FleetFire.Result r = fire.fire(found, plan, now, json ? null : line -> {
            out.println("  " + line);
            out.flush();
        });
        if (json) {
            out.println(JsonOutput.write(r.toJson()));
        } else {
            out.print(table(r));
        }
        out.flush();
        return r.ok() ? 0 : Main.EXIT_FAILURE;
    }

    /** The instant asked for, as a function of the reference time now; parsed before any agent is asked. */
    private java.util.function.LongUnaryOperator instant() {
        if (when.inNanos != null) {
            long in = when.inNanos;
            return now -> now + in;
        }
        String t = when.at.trim();
        try {
            if (t.startsWith("+")) {
                long in = Durations.parseNanos(t.substring(1));
                return now -> now + in;
            }
            if (t.toLowerCase(Locale.ROOT).startsWith("next:")) {
                long period = Durations.parseNanos(t.substring(5));
                if (period <= 0) {
                    throw new Cli.BadInput("--at next:DURATION needs a positive duration");
                }
                // The next multiple at least a second ahead: the trigger must reach every agent first.
                return now -> Math.floorDiv(now + NEXT_LEAD_NANOS, period) * period + period;
            }
            Instant i = Instant.parse(t);
            long at = Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
            return now -> at;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new Cli.BadInput("--at '" + t + "' is not a time; write an ISO-8601 instant (2026-05-01T12:00:10Z), "
                    + "+DURATION or next:DURATION");
        } catch (IllegalArgumentException e) {
            throw e instanceof Cli.BadInput ? e : new Cli.BadInput("--at: " + e.getMessage());
        }
    }

    static String iso(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    /** One row per device, then the spread line. */
    static String table(FleetFire.Result r) {
        int nameWidth = 4;
        int targetWidth = 6;
        for (FleetFire.DeviceOutcome o : r.devices()) {
            nameWidth = Math.max(nameWidth, o.name().length());
            targetWidth = Math.max(targetWidth, o.target().length());
        }
        String format = "%-" + nameWidth + "s  %-" + targetWidth + "s  %-11s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, "NAME", "TARGET", "RESULT", "LATENESS ± BOUND (worst firing)"));
        int count = r.trigger().count();
        for (FleetFire.DeviceOutcome o : r.devices()) {
            long ok = o.firings().stream().filter(FiringReport::fired).count();
            String result = switch (o.status()) {
                case FIRED -> "fired " + ok + "/" + count;
                case FAILED -> "FAILED " + ok + "/" + count;
                case SKIPPED -> "skipped";
                default -> o.status().name();
            };
            String detail;
            Long late = o.worstLatenessNanos();
            if (late != null) {
                detail = (late >= 0 ? "+" : "") + Durations.format(late) + " ± " + Durations.format(o.worstBoundNanos());
                if (o.reason() != null) {
                    detail += "  (" + o.reason() + ")";
                }
            } else {
                detail = o.reason() == null ? "-" : o.reason();
            }
            sb.append(String.format(Locale.ROOT, format, o.name(), o.target(), result, detail));
        }
        Long spread = r.spreadNanos();
        if (spread == null) {
            sb.append("fire spread: no device fired");
        } else {
            sb.append("fire spread ").append(Durations.format(spread)).append(" ± ")
                    .append(Durations.format(r.spreadBoundNanos()));
            if (r.spreads().size() > 1) {
                sb.append(" (worst of ").append(r.spreads().size()).append(" firings)");
            }
            sb.append(", tolerance ").append(Durations.format(r.plan().toleranceNanos()));
        }
        sb.append(r.ok() ? ": OK" : ": FAILED (" + r.problems().size() + " problem" + (r.problems().size() == 1 ? "" : "s")
                + ")").append(System.lineSeparator());
        for (String p : r.problems()) {
            sb.append("  ").append(p).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
