package io.lockstep.cli;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Turns exceptions into the one-line messages the command line prints. Library exceptions
 * already carry user-facing messages; JDK networking exceptions get a plainer wording here.
 * Stateless and thread-safe.
 */
final class CliErrors {

    private CliErrors() {
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        // Unwrap wrappers that add nothing for the user.
        while ((t instanceof java.util.concurrent.ExecutionException || t instanceof java.io.UncheckedIOException
                || t.getClass() == RuntimeException.class) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof UnknownHostException) {
            return String.valueOf(t.getMessage()).startsWith("unknown host") ? t.getMessage() : "unknown host: " + t.getMessage();
        }
        if (t instanceof ConnectException && !String.valueOf(t.getMessage()).startsWith("cannot")) {
            return "connection refused" + suffix(t);
        }
        if (t instanceof NoRouteToHostException && !String.valueOf(t.getMessage()).startsWith("cannot")) {
            return "host unreachable" + suffix(t);
        }
        if (t instanceof SocketTimeoutException && t.getMessage() == null) {
            return "timed out";
        }
        if (t instanceof java.nio.file.NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (t instanceof java.nio.file.AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m;
    }

    private static String suffix(Throwable t) {
        return t.getMessage() == null ? "" : ": " + t.getMessage();
    }
}
