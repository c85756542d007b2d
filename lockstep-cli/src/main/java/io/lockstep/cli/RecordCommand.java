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
 * {@code lockstep record start|stop TARGET...}: starts or stops every phone's recording together
 * and marks one shared reference event in each (the same local instant, in each phone's clock),
 * so several phones' recordings align. Prints every phone's offset, bound and event; a failure on
 * one phone is reported and exits 1. Parses and prints; {@link Phones} does the work. Not
 * thread-safe: one instance per invocation.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Start or stop recordings on Pupil Labs Companion phones together, with one shared reference event.",
                "start: recordings start, then the event '" + Phones.RECORD_START_EVENT + "' marks one local instant in each.",
                "stop: the event '" + Phones.RECORD_STOP_EVENT + "' marks one local instant in each, then recordings stop"
                        + " and are saved (the app keeps events only while recording)."})
final class RecordCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "start|stop", description = "What to do.")
    String action;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TARGET",
            description = "neon://HOST[:PORT] of each phone (none needed with --browse or --scan).")
    List<String> targets = new java.util.ArrayList<>();

    @Mixin
    NeonPhoneOptions phoneOptions;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        boolean start = switch (action) {
            case "start" -> true;
            case "stop" -> false;
            default -> throw Cli.usage(cl, "'" + action + "' is not start or stop");
        };
        if (targets.isEmpty() && !phoneOptions.discovering()) {
            throw Cli.usage(cl, "name at least one neon://HOST[:PORT], or find phones with --browse or --scan CIDR");
        }
        List<Neon> phones = phoneOptions.open(cl, phoneOptions.targets(cl, targets, cl.getErr()));
        Phones.GroupResult r;
        try {
            r = start ? Phones.startRecordings(phones, TimeSource.system())
                    : Phones.stopRecordings(phones, TimeSource.system());
        } finally {
            phones.forEach(Neon::close);
        }
        PrintWriter out = cl.getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", action);
            m.put("event", r.eventName());
            m.put("method", "event");
            m.put("local_wall_ns", r.localWallNanos());
            NeonTargets.putPhones(m, r);
            out.println(JsonOutput.write(m));
        } else {
            out.println("record " + action + ": " + phones.size() + " phone" + (phones.size() == 1 ? "" : "s")
                    + ", shared event " + r.eventName() + " at local " + NeonTargets.iso(r.localWallNanos())
                    + " (" + r.localWallNanos() + ")");
            r.phones().forEach(o -> NeonTargets.printHuman(out, o, true));
        }
        out.flush();
        return NeonTargets.reportFailures(cl.getErr(), r) == 0 ? 0 : Main.EXIT_FAILURE;
    }
}
