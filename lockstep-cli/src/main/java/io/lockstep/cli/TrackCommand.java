package io.lockstep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.lockstep.clock.TrackRecord;
import io.lockstep.log.OffsetLog;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingLoop;
import io.lockstep.track.TrackingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep track TARGET}: continuous offset and drift tracking. Parses options, prints a
 * status line (or a JSON line) per exchange and appends it to the offset log; the work is done
 * by {@link Tracker}, the one tracking pipeline. Not thread-safe; one instance per
 * invocation.
 */
@Command(name = "track", mixinStandardHelpOptions = true,
        description = {"Follows the offset and drift of a remote clock: offset = local − remote, drift = how fast the "
                + "remote runs relative to this clock in ppm (positive: remote fast; the offset changes at minus this).",
                "TARGET is ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]. --log appends one CSV row per "
                        + "exchange (the input of `lockstep correct`); a restarted track continues the same log."})
final class TrackCommand implements Callable<Integer> {

    /** Opens the channel to the target; tests substitute a simulated one. */
    @FunctionalInterface
    interface ProbeOpener {
        TimeProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException;
    }

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]")
    String target;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Cli.DurationConverter.class,
            description = "Time between exchanges (default ${DEFAULT-VALUE}).")
    long intervalNanos;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationConverter.class,
            description = "Stop after this long (default: until interrupted).")
    Long durationNanos;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N exchanges (default 0: no limit).")
    long count;

    @Option(names = "--timeout", paramLabel = "DURATION",
            converter = Cli.DurationConverter.class,
            description = "Per-exchange timeout (default: the interval, at least 100ms and at most 1s).")
    Long timeoutNanos;

    @Option(names = "--burst", paramLabel = "N",
            description = "Exchanges per interval, condensed into one sample by intersecting their causality intervals"
                    + " (default 8 for echo:// and neon:// whose timestamps are whole ms, 1 for ntp://).")
    Integer burst;

    @Option(names = "--log", paramLabel = "FILE", description = "Append one CSV row per exchange to FILE.")
    Path log;

    @Option(names = "--json", description = "Print one JSON object per exchange (JSON lines).")
    boolean json;

    /** Null: the target's protocol opens the probe; tests substitute a simulated one. */
    ProbeOpener opener;
    TimeSource local = TimeSource.system();
    TrackingLoop.Pacer pacer;

    @Override
    public Integer call() throws IOException {
        Target t = Cli.target(target);
        positive(intervalNanos, "--interval");
        long runNanos = durationNanos == null ? 0 : positive(durationNanos, "--duration");
        if (timeoutNanos != null) {
            positive(timeoutNanos, "--timeout");
        }
        if (count < 0) {
            throw new Cli.BadInput("--count must not be negative (0, the default, means no limit)");
        }
        if (burst != null && (burst < 1 || burst > TrackingOptions.MAX_EXCHANGES_PER_SAMPLE)) {
            throw new Cli.BadInput("--burst must be between 1 and " + TrackingOptions.MAX_EXCHANGES_PER_SAMPLE);
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean live = !json && System.console() != null;
        OffsetLog opened = log == null ? null : Cli.openOutput("--log", log, () -> OffsetLog.openAppend(log));
        try (OffsetLog offsets = opened) {
            TrackingOptions options = TrackingOptions.defaults().withIntervalNanos(intervalNanos)
                    .withTimeoutNanos(timeoutNanos == null ? 0 : timeoutNanos)
                    .withExchangesPerSample(burst == null ? 0 : burst).withLocal(local)
                    .withSegmentBase(offsets == null ? 0 : offsets.nextSegment());
            try {
                options.checkFor(t.protocol());
            } catch (IllegalArgumentException e) {
                throw new Cli.BadInput("--interval: " + e.getMessage());
            }
            try (Tracker tracker = opener == null ? Tracker.open(t, options)
                    : Tracker.over(t, opener.open(t, local, options.effectiveTimeoutNanos()), options)) {
                tracker.run(runNanos, count, pacer, r -> {
                    if (offsets != null) {
                        offsets.append(r);
                    }
                    String why = r.hasSample() ? null : tracker.lastFailure();
                    if (json) {
                        Map<String, Object> m = toJson(r, t);
                        if (why != null) {
                            m.put("error", why);
                        }
                        out.println(JsonOutput.write(m));
                    } else {
                        String line = status(r) + (why == null ? "" : " (" + why + ")");
                        if (live) {
                            out.print("\r" + line + "   ");
                        } else {
                            out.println(line);
                        }
                    }
                    out.flush();
                });
                if (live) {
                    out.println();
                }
                if (!json) {
                    out.printf(Locale.ROOT, "%d exchanges, %d dropped%s%n", tracker.samples() + tracker.dropped(),
                            tracker.dropped(), log == null ? "" : "; log " + log);
                }
            }
            out.flush();
        }
        return 0;
    }

    /** The human status line for one record. */
    static String status(TrackRecord r) {
        StringBuilder sb = new StringBuilder(120);
        sb.append(CLOCK.format(Instant.ofEpochSecond(0, r.localNanos()))).append("  ");
        sb.append(String.format(Locale.ROOT, "%-9s", r.state()));
        if (r.errorBoundNanos() >= 0) {
            sb.append(" offset ").append(Durations.format(r.filteredOffsetNanos()))
                    .append(" ± ").append(Durations.format(r.errorBoundNanos()))
                    .append(String.format(Locale.ROOT, "  drift %+.3f ppm", r.driftPpm()));
        }
        if (r.hasSample()) {
            sb.append("  rtt ").append(Durations.format(r.roundTripNanos()));
        }
        sb.append("  ").append(r.verdict().name().toLowerCase(Locale.ROOT));
        return sb.toString();
    }

    /** The JSON line for one record; fields are null where the record has no value. */
    static Map<String, Object> toJson(TrackRecord r, Target t) {
        boolean synced = r.errorBoundNanos() >= 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", t.text());
        m.put("local_ns", r.localNanos());
        m.put("reference_ns", synced ? r.referenceNanos() : null);
        m.put("roundtrip_ns", r.hasSample() ? r.roundTripNanos() : null);
        m.put("raw_offset_ns", r.hasSample() ? r.rawOffsetNanos() : null);
        m.put("offset_ns", synced ? r.filteredOffsetNanos() : null);
        m.put("error_bound_ns", synced ? r.errorBoundNanos() : null);
        m.put("drift_ppm", synced ? r.driftPpm() : null);
        m.put("state", r.state().name());
        m.put("verdict", r.verdict().name());
        m.put("segment", r.segment());
        return m;
    }

    private static long positive(long nanos, String option) {
        if (nanos <= 0) {
            throw new Cli.BadInput(option + " must be positive, got " + Durations.format(nanos));
        }
        return nanos;
    }

}
