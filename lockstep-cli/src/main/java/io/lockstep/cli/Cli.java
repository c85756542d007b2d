package io.lockstep.cli;

import java.io.PrintWriter;
import java.util.Locale;

import io.lockstep.time.Durations;
import picocli.CommandLine;

/**
 * Small helpers shared by the verbs: duration options, number formatting and a progress line
 * that appears only when work takes longer than a second. Stateless except {@link ProgressLine},
 * which belongs to one command run.
 */
final class Cli {

    private Cli() {
    }

    /** Picocli converter for duration options written like {@code 137.5ms}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Durations.parseNanos(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.3f ms", millis);
    }

    /**
     * Input a command rejects after parsing (a value out of range, a malformed target): printed as
     * one line and exiting {@link Main#EXIT_USAGE}, like picocli's own usage errors.
     */
    static final class BadInput extends IllegalArgumentException {
        BadInput(String message) {
            super(message);
        }

        /** Keeps the library's exception as the cause, for {@code --verbose}. */
        BadInput(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Opens an output file the user named with {@code option}; a path that cannot be created
     * (missing or non-directory parent, no permission) is the user's input, so {@link BadInput}
     * naming the option, not a failure. Other I/O errors pass through.
     */
    static <T> T openOutput(String option, java.nio.file.Path file, IoOpener<T> open) throws java.io.IOException {
        try {
            return open.open();
        } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
            java.nio.file.Path parent = file.toAbsolutePath().getParent();
            throw new BadInput(option + " " + file + ": " + (parent != null && java.nio.file.Files.isDirectory(parent)
                    ? "cannot create a file in " + parent : "no such directory " + parent), e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new BadInput(option + " " + file + ": permission denied", e);
        } catch (java.nio.file.FileSystemException e) {
            // ENOTDIR (a parent is a file) arrives as a plain FileSystemException with this reason.
            if ("Not a directory".equals(e.getReason())) {
                throw new BadInput(option + " " + file + ": " + file.toAbsolutePath().getParent() + " is not a directory", e);
            }
            throw e;
        }
    }

    /** Opens or creates something, as {@link #openOutput} wraps it. */
    @FunctionalInterface
    interface IoOpener<T> {
        T open() throws java.io.IOException;
    }

    /** Parses a target, turning the library's complaint into {@link BadInput}. */
    static io.lockstep.protocol.Target target(String text) {
        try {
            return io.lockstep.protocol.Target.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage());
        }
    }

    /** Fails with a one-line message for the user. */
    static CommandLine.ParameterException usage(CommandLine cl, String message) {
        return new CommandLine.ParameterException(cl, message);
    }

    /**
     * Shows "label done/total" on stderr once the work has run for more than a second: on a
     * terminal one line rewritten in place and erased when finished; otherwise (a log file) a
     * plain line every five seconds. Not thread-safe.
     */
    static final class ProgressLine implements io.lockstep.measure.Progress {
        private final PrintWriter err;
        private final String label;
        private final boolean terminal;
        private final java.util.function.LongSupplier monoNanos;
        private final long startNanos;
        private long lastPrintNanos;
        private boolean shown;

        ProgressLine(PrintWriter err, String label) {
            this(err, label, System.console() != null, System::nanoTime);
        }

        ProgressLine(PrintWriter err, String label, boolean terminal, java.util.function.LongSupplier monoNanos) {
            this.err = err;
            this.label = label;
            this.terminal = terminal;
            this.monoNanos = monoNanos;
            this.startNanos = monoNanos.getAsLong();
        }

        @Override
        public void update(int done, int total) {
            long now = monoNanos.getAsLong();
            long every = terminal ? 200_000_000L : 5_000_000_000L;
            if (now - startNanos < 1_000_000_000L || (shown && now - lastPrintNanos < every) || done >= total) {
                return;
            }
            lastPrintNanos = now;
            shown = true;
            if (terminal) {
                err.print("\r" + label + " " + done + "/" + total + "   ");
            } else {
                err.println(label + " " + done + "/" + total);
            }
            err.flush();
        }

        void finish() {
            if (shown && terminal) {
                err.print("\r" + " ".repeat(label.length() + 24) + "\r");
                err.flush();
            }
        }
    }
}
