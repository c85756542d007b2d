package io.lockstep.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.neon.Neon;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options {@code event} and {@code record} share for reaching the phones: where each phone's
 * offset comes from ({@code --log} or a Time Echo burst of {@code --samples}) and the
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

    /** One {@link Neon} per target, as {@link NeonTargets#open} makes them from these options. */
    List<Neon> open(CommandLine cl, List<String> targets) throws IOException {
        return NeonTargets.open(cl, targets, logs, samples, timeoutNanos);
    }
}
