package io.lockstep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.lockstep.log.OffsetLog;
import io.lockstep.neon.MarkedEvent;
import io.lockstep.neon.Neon;
import io.lockstep.neon.OffsetSource;
import io.lockstep.neon.PhoneOffset;
import io.lockstep.neon.Phones;
import io.lockstep.protocol.Target;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;
import picocli.CommandLine;

/**
 * What {@code event} and {@code record} share: parsing {@code neon://} targets and their offset
 * logs into {@link Neon} handles, reading an instant, and printing per-phone outcomes. Stateless
 * and thread-safe.
 */
final class NeonTargets {

    private NeonTargets() {
    }

    /**
     * One {@link Neon} per target; the offset comes from the matching {@code --log} file (one
     * per target, in order) when logs are given, else from a Time Echo burst of {@code samples}.
     */
    static List<Neon> open(CommandLine cl, List<String> targets, List<Path> logs, int samples, long timeoutNanos)
            throws IOException {
        if (!logs.isEmpty() && logs.size() != targets.size()) {
            throw Cli.usage(cl, "give one --log per target, in the order of the targets (" + targets.size()
                    + " targets, " + logs.size() + " logs)");
        }
        if (samples < 1 || samples > 10_000) {
            throw Cli.usage(cl, "--samples must be between 1 and 10000, got " + samples);
        }
        if (timeoutNanos < 1_000_000L) {
            throw Cli.usage(cl, "--timeout must be at least 1ms");
        }
        List<Neon> phones = new ArrayList<>();
        TimeSource local = TimeSource.system();
        for (int i = 0; i < targets.size(); i++) {
            Target t = Cli.target(targets.get(i));
            if (!"neon".equals(t.scheme())) {
                throw Cli.usage(cl, t.text() + " is not a Companion app; write neon://HOST[:PORT]");
            }
            OffsetSource offsets = logs.isEmpty()
                    ? OffsetSource.timeEcho(t, local, timeoutNanos, samples, Neon.TIME_ECHO_MAX_AGE_NANOS)
                    : offsetLog(logs.get(i));
            phones.add(Neon.open(t, offsets, local, timeoutNanos));
        }
        return phones;
    }

    /** An offset log given with {@code --log}; a missing file or one that is no usable log is bad input (exit 2), as for {@code correct}. */
    private static OffsetSource offsetLog(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            throw new Cli.BadInput(Files.isDirectory(log) ? "--log " + log + " is a directory, not an offset log"
                    : "no such offset log: " + log);
        }
        try {
            return OffsetSource.fromLog(log);
        } catch (OffsetLog.FormatException e) {
            throw new Cli.BadInput(e.getMessage(), e);
        }
    }

    /**
     * An instant on the local clock: an ISO-8601 instant ({@code 2026-11-30T10:15:30.25Z}, or with
     * an offset such as {@code +01:00}), whole Unix nanoseconds, or a signed duration from now
     * ({@code -1.5s}, {@code +200ms}).
     */
    static long instant(CommandLine cl, String text, long nowNanos) {
        String s = text.strip();
        if (s.matches("\\d+") && !s.matches("\\d{17,19}")) {
            // Ten digits are Unix seconds, thirteen milliseconds: taken as ns they would land in 1970.
            throw Cli.usage(cl, "--at " + text + ": a bare number is Unix nanoseconds (19 digits, e.g. "
                    + nowNanos + ")");
        }
        if (s.matches("\\d{17,19}")) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw Cli.usage(cl, "--at " + text + " is out of range");
            }
        }
        if (s.startsWith("+") || s.startsWith("-")) {
            try {
                long d = Durations.parseNanos(s.substring(1));
                return s.startsWith("-") ? nowNanos - d : nowNanos + d;
            } catch (IllegalArgumentException e) {
                throw Cli.usage(cl, "--at " + text + ": " + e.getMessage());
            }
        }
        try {
            Instant i = java.time.OffsetDateTime.parse(s).toInstant();
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw Cli.usage(cl, "--at " + text + " is not an instant: write an ISO-8601 time with its zone"
                    + " (2026-11-30T10:15:30.25Z), Unix nanoseconds, or a duration from now (-1.5s, +200ms)");
        }
    }

    /** An instant as ISO-8601 UTC with nanoseconds. */
    static String iso(long wallNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(wallNanos, 1_000_000_000L), Math.floorMod(wallNanos, 1_000_000_000L))
                .toString();
    }

    static Map<String, Object> toJson(Phones.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", o.target());
        m.put("ok", o.ok());
        PhoneOffset off = o.offset();
        m.put("offset_ns", off == null ? null : off.offsetNanos());
        m.put("error_bound_ns", off == null ? null : off.errorBoundNanos());
        m.put("offset_source", off == null ? null : off.source());
        MarkedEvent e = o.event();
        m.put("phone_timestamp_ns", e == null ? null : e.phoneTimestampNanos());
        m.put("recording_id", o.recordingId());
        m.put("error", o.error());
        return m;
    }

    /** Adds each phone's outcome ({@code phones}) and the number that failed ({@code failures}) to a JSON object. */
    static void putPhones(Map<String, Object> json, Phones.GroupResult r) {
        List<Object> list = new ArrayList<>();
        r.phones().forEach(o -> list.add(toJson(o)));
        json.put("phones", list);
        json.put("failures", r.phones().stream().filter(o -> !o.ok()).count());
    }

    static void printHuman(java.io.PrintWriter out, Phones.Outcome o, boolean recording) {
        if (o.event() != null) {
            MarkedEvent e = o.event();
            out.printf(Locale.ROOT, "%s%s  phone %d ± %s  (offset %s from %s)%s%n", o.target(),
                    o.ok() ? "" : "  FAILED (see below)", e.phoneTimestampNanos(),
                    Cli.ms(e.errorBoundNanos()), Cli.ms(e.offsetNanos()), e.offsetSource(),
                    recording ? (o.recordingId() == null ? "  no recording" : "  recording " + o.recordingId())
                            : e.recordingId() == null ? "  [no recording running: the app discards this event]"
                            : "  in recording " + e.recordingId());
        } else {
            out.printf(Locale.ROOT, "%s  failed%s%n", o.target(),
                    !recording ? "" : o.recordingId() != null ? "  recording " + o.recordingId() : "  no recording");
        }
    }

    /** One {@code lockstep: TARGET: why} line per failed phone; the number of failures. */
    static int reportFailures(java.io.PrintWriter err, Phones.GroupResult r) {
        int failed = 0;
        for (Phones.Outcome o : r.phones()) {
            if (!o.ok()) {
                err.println("lockstep: " + o.target() + ": " + o.error());
                failed++;
            }
        }
        err.flush();
        return failed;
    }
}
