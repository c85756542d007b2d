package io.lockstep.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.SourceSelection;
import io.lockstep.measure.Survey;
import io.lockstep.neon.EventEstimator;
import io.lockstep.neon.EventMethod;
import io.lockstep.net.NeonClient;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code lockstep offset TARGET}: one offset estimate, like the Pupil Labs client's
 * {@code estimate_time_offset()}, with Lockstep's error-bounded estimate beside the Pupil Labs
 * statistics. Parses and prints; {@link OffsetMeter} does the work. Not thread-safe: one
 * instance per invocation.
 */
@Command(name = "offset", mixinStandardHelpOptions = true,
        description = {"Measure the offset of a remote clock: offset = local − remote, so remote = local − offset.",
                "TARGET is ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT].",
                "Several ntp:// targets are measured at once; their confidence intervals are intersected,",
                "falsetickers flagged and the truechimers combined.",
                "NTP servers are asked politely by default (4 requests 2 s apart, as chrony's iburst; at most 8),",
                "so a public server's rate limit never fires; --own-server bursts fast at a server you run."})
final class OffsetCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TARGET", arity = "1..*",
            description = "ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]; several only for ntp://")
    List<String> targets;

    @Option(names = "--samples", paramLabel = "N",
            description = "Exchanges per target (default 100 for Time Echo after one discarded warm-up, as the"
                    + " Pupil Labs client; 4 for NTP, at most 8, or 16 and up to 10000 with --own-server).")
    Integer samples;

    @Option(names = "--own-server",
            description = "For ntp:// targets: the server is yours (or its operator allows it), so burst fast: a request"
                    + " every 2 ms on average, 16 by default. Without it requests go 2 s apart, as chrony's iburst, which"
                    + " public servers (the NTP pool) accept.")
    boolean ownServer;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Cli.DurationConverter.class, defaultValue = "1s",
            description = "Connect and per-exchange timeout (default ${DEFAULT-VALUE}).")
    long timeoutNanos;

    @Option(names = "--max-drift", paramLabel = "PPM", defaultValue = "100",
            description = "Largest drift between the two clocks assumed during sampling; widens the bound (default ${DEFAULT-VALUE}).")
    double maxDriftPpm;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--method", paramLabel = "echo|event", defaultValue = "echo",
            description = "For neon:// targets: 'echo' measures over Time Echo (default); 'event' posts events the phone"
                    + " stamps itself (named " + EventMethod.SYNC_EVENT_NAME + ") and bounds the offset from their"
                    + " send and receive instants.")
    String method;

    @Option(names = "--allow-during-recording",
            description = "With --method event: measure even while the phone records (the events land in the recording).")
    boolean allowDuringRecording;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (samples != null && (samples < 1 || samples > 1_000_000)) {
            throw Cli.usage(cl, "--samples must be between 1 and 1000000, got " + samples);
        }
        if (timeoutNanos < 1_000_000L) {
            throw Cli.usage(cl, "--timeout must be at least 1ms");
        }
        if (!(maxDriftPpm >= 0) || maxDriftPpm > 1e6) {
            throw Cli.usage(cl, "--max-drift must be between 0 and 1000000 ppm");
        }
        List<Target> parsed = new ArrayList<>();
        for (String text : targets) {
            parsed.add(Cli.target(text));
        }
        Protocol protocol = parsed.get(0).protocol();
        if (parsed.size() > 1) {
            for (Target t : parsed) {
                if (t.protocol() != protocol || !protocol.combinesSources()) {
                    throw Cli.usage(cl, "several targets are only for ntp:// servers, whose estimates can be combined;"
                            + " measure " + t.scheme() + ":// targets one at a time");
                }
            }
        }
        if (ownServer && protocol.publicServerPace() == null) {
            throw Cli.usage(cl, "--own-server is for ntp:// targets; " + protocol.scheme()
                    + ":// targets are always measured at full speed");
        }
        OffsetMeter meter = new OffsetMeter(TimeSource.system(), timeoutNanos, maxDriftPpm);
        if (ownServer) {
            meter = meter.forOwnServer();
        }
        if (samples != null && samples > meter.maxSamples(protocol)) {
            if (meter.maxSamples(protocol) < protocol.maxSamples()) {
                throw Cli.usage(cl, "--samples for " + protocol.scheme() + ":// must be at most "
                        + meter.maxSamples(protocol) + ", what a public server answers in one burst; add --own-server if"
                        + " the server is yours (up to " + protocol.maxSamples() + ")");
            }
            throw Cli.usage(cl, "--samples for " + protocol.scheme() + ":// must be at most " + protocol.maxSamples());
        }
        if (!method.equals("echo") && !method.equals("event")) {
            throw Cli.usage(cl, "--method must be echo or event, got '" + method + "'");
        }
        if (method.equals("event")) {
            if (!"neon".equals(protocol.scheme()) || parsed.size() > 1) {
                throw Cli.usage(cl, "--method event measures one Companion app: give one neon://HOST[:PORT]");
            }
            return measureByEvents(cl, parsed.get(0));
        }
        if (allowDuringRecording) {
            throw Cli.usage(cl, "--allow-during-recording goes with --method event");
        }
        int n = samples == null ? meter.defaultSamples(protocol) : samples;
        PrintWriter out = cl.getOut();
        if (parsed.size() > 1) {
            Survey survey;
            try {
                survey = meter.measureAll(parsed, n);
            } catch (SourceSelection.NoMajorityException e) {
                if (!json) {
                    // The rows are what show which server is off; the error line follows them.
                    printRows(out, e.estimates(), e.failures(), n, est -> "server");
                    out.flush();
                }
                throw e;
            }
            if (json) {
                out.println(JsonOutput.write(toJson(survey, n)));
                for (OffsetEstimate e : survey.estimates()) {
                    warnIfShort(cl.getErr(), e, n);
                }
            } else {
                printHuman(out, survey, n);
            }
            out.flush();
            return 0;
        }
        Target t = parsed.get(0);
        Cli.ProgressLine progress = new Cli.ProgressLine(cl.getErr(), "sampling " + t);
        OffsetEstimate e;
        try {
            e = meter.measure(t, n, progress);
        } finally {
            progress.finish();
        }
        if (json) {
            out.println(JsonOutput.write(toJson(e, n)));
            warnIfShort(cl.getErr(), e, n);
        } else {
            printHuman(out, e, t.protocol());
            String shortfall = shortfall(e, n);
            if (shortfall != null) {
                out.printf(Locale.ROOT, "warning     %s%n", shortfall);
            }
        }
        out.flush();
        return 0;
    }

    /**
     * One line when the estimate rests on fewer valid samples than were asked for (lost replies,
     * or a server that told us to slow down), else null. The estimate and its bound still hold;
     * they are only made of less.
     */
    static String shortfall(OffsetEstimate e, int requested) {
        if (e.samples() >= requested) {
            return null;
        }
        String why = e.dropped() > 0 ? " (" + e.dropped() + " dropped: " + dropReasons(e) + ")" : "";
        return "the estimate rests on " + e.samples() + " of " + requested + " requested samples" + why;
    }

    private static String dropReasons(OffsetEstimate e) {
        String m = e.method();
        int at = m.indexOf("dropped: ");
        return at < 0 ? "see method" : m.substring(at + "dropped: ".length());
    }

    private static void warnIfShort(PrintWriter err, OffsetEstimate e, int requested) {
        String shortfall = shortfall(e, requested);
        if (shortfall != null) {
            err.printf(Locale.ROOT, "warning: %s: %s%n", e.target(), shortfall);
            err.flush();
        }
    }

    /** Pupil Labs' guide sends 50 events for its estimate. */
    static final int DEFAULT_EVENTS = 50;

    private int measureByEvents(CommandLine cl, Target t) throws java.io.IOException {
        int n = samples == null ? DEFAULT_EVENTS : samples;
        if (n < 1 || n > 10_000) {
            throw Cli.usage(cl, "--samples for --method event must be between 1 and 10000");
        }
        EventEstimator.Result r = EventMethod.measure(NeonClient.of(t, timeoutNanos), t.text(), TimeSource.system(), n,
                allowDuringRecording, maxDriftPpm);
        OffsetEstimate e = r.estimate();
        PrintWriter out = cl.getOut();
        if (json) {
            Map<String, Object> m = toJson(e);
            m.put("measured_by", "event");
            m.put("seed_offset_ns", r.seedOffsetNanos());
            m.put("stamp_resolution_ns", EventMethod.PHONE_STAMP_RESOLUTION_NANOS);
            out.println(JsonOutput.write(m));
        } else {
            out.printf(Locale.ROOT, "target      %s (events stamped by the phone, named %s)%n", e.target(),
                    EventMethod.SYNC_EVENT_NAME);
            out.printf(Locale.ROOT, "offset      %s ± %s   (local − remote; remote = local − offset)%n",
                    Cli.ms(e.offsetNanos()), Cli.ms(e.errorBoundNanos()));
            out.printf(Locale.ROOT, "at          %s (local clock)%n", NeonTargets.iso(e.localWallNanos()));
            out.printf(Locale.ROOT, "round trip  %s best   events %d, dropped %d   [%s]%n",
                    Cli.ms(e.roundTripNanos()), e.samples(), e.dropped(), e.method());
            out.printf(Locale.ROOT, "seed        %s (Pupil Labs guide: median of local midpoint − phone stamp; no bound)%n",
                    Cli.ms(r.seedOffsetNanos()));
            out.printf(Locale.ROOT, "per event   offset mean %s, std %s, median %s; round trip mean %s, median %s%n",
                    Cli.ms(e.offsetMs().mean()), Cli.ms(e.offsetMs().std()), Cli.ms(e.offsetMs().median()),
                    Cli.ms(e.roundTripMs().mean()), Cli.ms(e.roundTripMs().median()));
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> toJson(Survey survey, int requested) {
        Map<String, Object> m = toJson(survey.combined());
        List<Object> sources = new ArrayList<>();
        for (OffsetEstimate e : survey.estimates()) {
            Map<String, Object> one = toJson(e, requested);
            one.put("falseticker", survey.selection().isFalseticker(e));
            sources.add(one);
        }
        m.put("sources", sources);
        m.put("failures", new LinkedHashMap<>(survey.failures()));
        return m;
    }

    static void printHuman(PrintWriter out, Survey survey, int requested) {
        printRows(out, survey.estimates(), survey.failures(), requested,
                e -> survey.selection().isFalseticker(e) ? "falseticker" : "truechimer");
        OffsetEstimate c = survey.combined();
        out.printf(Locale.ROOT, "combined     offset %s ± %s   (local − remote; remote = local − offset)%n",
                Cli.ms(c.offsetNanos()), Cli.ms(c.errorBoundNanos()));
        out.printf(Locale.ROOT, "             [%s]%n", c.method());
    }

    /** One row per server (labelled by {@code label}), its shortfall warnings, then the unreachable ones. */
    private static void printRows(PrintWriter out, List<OffsetEstimate> estimates, Map<String, String> failures,
            int requested, java.util.function.Function<OffsetEstimate, String> label) {
        for (OffsetEstimate e : estimates) {
            out.printf(Locale.ROOT, "%-12s %-28s %s ± %s  delay %s%s%n", label.apply(e), e.target(),
                    Cli.ms(e.offsetNanos()), Cli.ms(e.errorBoundNanos()), Cli.ms(e.roundTripNanos()),
                    e.samples() < requested ? "  (" + e.samples() + " of " + requested + " samples)" : "");
        }
        for (OffsetEstimate e : estimates) {
            String shortfall = shortfall(e, requested);
            if (shortfall != null) {
                out.printf(Locale.ROOT, "%-12s %-28s %s%n", "warning", e.target(), shortfall);
            }
        }
        failures.forEach((target, why) -> out.printf(Locale.ROOT, "%-12s %-28s %s%n", "unreachable", target, why));
    }

    /** {@link #toJson(OffsetEstimate)} plus {@code requested}: compare it with {@code samples}. */
    static Map<String, Object> toJson(OffsetEstimate e, int requested) {
        Map<String, Object> m = toJson(e);
        Map<String, Object> ordered = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.equals("samples")) {
                ordered.put("requested", requested);
            }
            ordered.put(k, v);
        });
        return ordered;
    }

    static Map<String, Object> toJson(OffsetEstimate e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", e.target());
        m.put("protocol", e.protocol());
        m.put("offset_ns", e.offsetNanos());
        m.put("error_bound_ns", e.errorBoundNanos());
        m.put("roundtrip_ns", e.roundTripNanos());
        m.put("samples", e.samples());
        m.put("dropped", e.dropped());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("offset_ms", stats(e.offsetMs()));
        stats.put("roundtrip_ms", stats(e.roundTripMs()));
        m.put("stats", stats);
        m.put("method", e.method());
        m.put("local_wall_ns", e.localWallNanos());
        return m;
    }

    private static Map<String, Object> stats(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", s.mean());
        m.put("std", s.std());
        m.put("median", s.median());
        return m;
    }

    static void printHuman(PrintWriter out, OffsetEstimate e, Protocol protocol) {
        out.printf(Locale.ROOT, "target      %s (%s)%n", e.target(), e.protocol());
        out.printf(Locale.ROOT, "offset      %s ± %s   (local − remote; remote = local − offset)%n",
                Cli.ms(e.offsetNanos()), Cli.ms(e.errorBoundNanos()));
        out.printf(Locale.ROOT, "at          %s (local clock)%n", java.time.Instant.ofEpochSecond(0, e.localWallNanos()));
        out.printf(Locale.ROOT, "round trip  %s best   samples %d, dropped %d   [%s]%n",
                Cli.ms(e.roundTripNanos()), e.samples(), e.dropped(), e.method());
        out.printf(Locale.ROOT, "%-11s offset mean %s, std %s, median %s; round trip mean %s, median %s%n",
                protocol.statisticsLabel(),
                Cli.ms(e.offsetMs().mean()), Cli.ms(e.offsetMs().std()), Cli.ms(e.offsetMs().median()),
                Cli.ms(e.roundTripMs().mean()), Cli.ms(e.roundTripMs().median()));
    }
}
