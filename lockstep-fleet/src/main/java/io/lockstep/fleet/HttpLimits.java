package io.lockstep.fleet;

/**
 * What {@link GuardedHttpServer} allows one client and all of them: connections in total and
 * per client address, how long a whole request (request line, headers and body) may take to
 * arrive, how long an answer may take to leave, and how large a request may be. The defaults
 * can be changed per JVM with system properties ({@code -Dlockstep.http.max-connections=N} and
 * the like, see {@link #fromSystemProperties}) so a deployment can adjust them without a new
 * command-line flag. Immutable, thread-safe.
 *
 * @param maxConnections           open connections at once; more are answered 503 and closed
 * @param maxConnectionsPerAddress open connections from one client address at once
 * @param requestDeadlineNanos     from accept until the whole request has arrived; then closed
 * @param responseDeadlineNanos    from the request's arrival until the answer is written (for an
 *                                 event stream: for each write), then closed
 * @param maxHeaderBytes           request line and headers together
 * @param maxBodyBytes             a request body; longer ones are answered 413 unread
 */
public record HttpLimits(int maxConnections, int maxConnectionsPerAddress, long requestDeadlineNanos,
                         long responseDeadlineNanos, int maxHeaderBytes, int maxBodyBytes) {

    private static final String PREFIX = "lockstep.http.";

    public HttpLimits {
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || requestDeadlineNanos <= 0
                || responseDeadlineNanos <= 0 || maxHeaderBytes < 256 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("invalid HTTP limits: " + maxConnections + " connections, "
                    + maxConnectionsPerAddress + " per address, deadlines " + requestDeadlineNanos + "/"
                    + responseDeadlineNanos + " ns, " + maxHeaderBytes + " header bytes, " + maxBodyBytes
                    + " body bytes");
        }
    }

    /**
     * The agent's: 64 connections, 8 per address, 5 s to send a request, 10 s to take an answer,
     * 8 KiB of headers, 16 KiB of body (a trigger is at most 4 KiB; 64 full bodies then hold
     * 1 MiB of a 16 MiB heap). A status poll is one small request a second per monitor,
     * so a client that needs more is either broken or hostile; a thread per connection at 256 KiB
     * of reserved stack keeps 64 of them within a Pi's means.
     */
    public static HttpLimits agentDefaults() {
        return new HttpLimits(64, 8, 5_000_000_000L, 10_000_000_000L, 8192, 16_384);
    }

    /**
     * The dashboard's: 128 connections, 32 per address (a browser opens several, and event
     * streams stay open), otherwise as the agent's.
     */
    public static HttpLimits dashboardDefaults() {
        return new HttpLimits(128, 32, 5_000_000_000L, 10_000_000_000L, 8192, 16_384);
    }

    /**
     * {@code defaults} with any of these system properties applied: {@code lockstep.http.max-connections},
     * {@code max-connections-per-address}, {@code request-deadline-ms}, {@code response-deadline-ms},
     * {@code max-header-bytes}, {@code max-body-bytes} (each under {@code lockstep.http.}).
     *
     * @throws IllegalArgumentException when a property is not a number or the result is invalid
     */
    public static HttpLimits fromSystemProperties(HttpLimits defaults) {
        return new HttpLimits(
                (int) property("max-connections", defaults.maxConnections),
                (int) property("max-connections-per-address", defaults.maxConnectionsPerAddress),
                property("request-deadline-ms", defaults.requestDeadlineNanos / 1_000_000L) * 1_000_000L,
                property("response-deadline-ms", defaults.responseDeadlineNanos / 1_000_000L) * 1_000_000L,
                (int) property("max-header-bytes", defaults.maxHeaderBytes),
                (int) property("max-body-bytes", defaults.maxBodyBytes));
    }

    private static long property(String name, long fallback) {
        String v = System.getProperty(PREFIX + name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(PREFIX + name + " out of range: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + name + " is not a number: " + v);
        }
    }

    /** These limits with other connection caps (tests and benches). */
    public HttpLimits withConnections(int total, int perAddress) {
        return new HttpLimits(total, perAddress, requestDeadlineNanos, responseDeadlineNanos, maxHeaderBytes,
                maxBodyBytes);
    }

    /** These limits with other deadlines (tests and benches). */
    public HttpLimits withDeadlines(long requestNanos, long responseNanos) {
        return new HttpLimits(maxConnections, maxConnectionsPerAddress, requestNanos, responseNanos, maxHeaderBytes,
                maxBodyBytes);
    }
}
