package io.lockstep.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code lockstep} command: wires the verbs together and turns every failure into a
 * one-line error with a non-zero exit (a stack trace only with {@code --verbose}). Each verb is
 * its own class; this one only dispatches. Not thread-safe; one instance per invocation.
 */
@Command(name = "lockstep",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "One clock for every device in the room: measure, serve, track and correct time.",
        subcommands = {
                ServeCommand.class,
                OffsetCommand.class,
                TrackCommand.class,
                EventCommand.class,
                RecordCommand.class,
                CorrectCommand.class,
                ImpairCommand.class,
                AtCommand.class,
                DemoCommand.class,
                BenchCommand.class,
                AgentCommand.class,
                FleetCommand.class,
                ChronyConfCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements java.util.concurrent.Callable<Integer> {

    /** Exit code for bad input or a failed operation. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for a usage error (unknown option, missing argument). */
    public static final int EXIT_USAGE = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces and debug detail on errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs one command line with the given streams and returns its exit code; tests call this
     * instead of {@link #main} so nothing exits the JVM.
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        configureLogging(java.util.Arrays.asList(args).contains("--verbose"));
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine c = ex.getCommandLine();
            errWriter.println("lockstep: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            boolean verbose = false;
            for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
                verbose |= p.hasMatchedOption("--verbose");
            }
            errWriter.println("lockstep: " + CliErrors.describe(ex));
            if (verbose) {
                ex.printStackTrace(errWriter);
            }
            errWriter.flush();
            return ex instanceof Cli.BadInput ? EXIT_USAGE : EXIT_FAILURE;
        });
        int code = cl.execute(args);
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    /**
     * Library logging (System.Logger, backed by java.util.logging here) goes to stderr as one
     * short line per record, warnings and worse only unless {@code --verbose}: informational
     * start-up lines would otherwise mix with the command's own output.
     */
    static void configureLogging(boolean verbose) {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Level level = verbose ? java.util.logging.Level.FINE : java.util.logging.Level.WARNING;
        root.setLevel(level);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(level);
            h.setFormatter(new java.util.logging.Formatter() {
                @Override
                public String format(java.util.logging.LogRecord r) {
                    return "lockstep: " + r.getLevel().getName().toLowerCase(java.util.Locale.ROOT) + ": "
                            + formatMessage(r) + System.lineSeparator();
                }
            });
        }
    }

    /** No verb given: show the usage on stderr and fail, so scripts notice. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Reports the version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lockstep " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
