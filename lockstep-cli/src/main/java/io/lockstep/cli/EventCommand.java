package io.lockstep.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lockstep.neon.Neon;
import io.lockstep.neon.Phones;
import io.lockstep.time.TimeSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lockstep event TARGET... NAME}: marks one local instant as an event on every phone,
 * each in its own clock ({@code phone = local − offset}), and prints each phone's timestamp ±
 * bound and where its offset came from. Parses and prints; {@link Phones} does the work. Not
 * thread-safe: one instance per invocation.
 */
@Command(name = "event", mixinStandardHelpOptions = true,
        description = {"Post an event to Pupil Labs Companion phones, stamped in each phone's clock at one local instant.",
                "The offset comes from --log (an offset log a `lockstep track neon://...` writes, one per target)",
                "or else from a fresh Time Echo burst. A phone that is not recording is not posted to (the app would drop",
                "the event) unless --even-if-not-recording. A failure on any phone exits 1."})
final class EventCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // "1..*", the rest checked in call(): picocli's own message for "2..*" names indexes, not what is missing.
    @Parameters(paramLabel = "TARGET... NAME", arity = "1..*",
            description = "One or more neon://HOST[:PORT] (none with --browse or --scan), then the event's name.")
    List<String> words;

    @Option(names = "--at", paramLabel = "TIME",
            description = "The local instant to mark: ISO-8601 with zone (2026-11-30T10:15:30.25Z), Unix ns,"
                    + " or a duration from now (-1.5s). Default: now.")
    String at;

    @Mixin
    NeonPhoneOptions phoneOptions;

    @Option(names = "--even-if-not-recording",
            description = "Post to phones that report no running recording too (the app drops such events).")
    boolean evenIfNotRecording;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (words.size() == 1 && (words.get(0).contains("://") || !phoneOptions.discovering())) {
            throw Cli.usage(cl, words.get(0).contains("://") ? "the event's NAME is missing after the targets"
                    : "give one or more neon://HOST[:PORT] targets before the event's NAME " + words.get(0)
                    + ", or find the phones with --browse or --scan CIDR");
        }
        String name = words.get(words.size() - 1);
        if (name.isBlank()) {
            throw Cli.usage(cl, "the event name is empty");
        }
        if (name.contains("://")) {
            throw Cli.usage(cl, "the last argument is the event's name, not a target: " + name);
        }
        long nowNanos = TimeSource.system().wallNanos();
        long instant = at == null ? nowNanos : NeonTargets.instant(cl, at, nowNanos);
        List<String> targets = phoneOptions.targets(cl, words.subList(0, words.size() - 1), cl.getErr());
        List<Neon> phones = phoneOptions.open(cl, targets);
        Phones.GroupResult r;
        try {
            r = Phones.markAll(phones, name, instant, evenIfNotRecording);
        } finally {
            phones.forEach(Neon::close);
        }
        PrintWriter out = cl.getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("method", "event");
            m.put("local_wall_ns", instant);
            NeonTargets.putPhones(m, r);
            out.println(JsonOutput.write(m));
        } else {
            out.println("event " + name + " at local " + NeonTargets.iso(instant) + " (" + instant + ")");
            r.phones().forEach(o -> NeonTargets.printHuman(out, o, false));
        }
        out.flush();
        return NeonTargets.reportFailures(cl.getErr(), r) == 0 ? 0 : Main.EXIT_FAILURE;
    }
}
