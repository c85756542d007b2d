package io.lockstep.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A clock to measure, as written on the command line: {@code ntp://HOST[:PORT]},
 * {@code echo://HOST:PORT} or {@code neon://HOST[:PORT]}. IPv6 literals go in brackets
 * ({@code ntp://[::1]:123}). Immutable.
 *
 * @param scheme {@code ntp}, {@code echo} or {@code neon}
 * @param host   host name or address literal (without brackets)
 * @param port   port number; the scheme's default when the text omits it
 * @param text   the target as the user wrote it
 */
public record Target(String scheme, String host, int port, String text) {

    /** NTP's well-known port. */
    public static final int NTP_DEFAULT_PORT = 123;
    /** Port of the Pupil Labs Companion app's HTTP API. */
    public static final int NEON_DEFAULT_PORT = 8080;

    /**
     * Parses a target.
     *
     * @throws IllegalArgumentException with a one-line message naming what is wrong
     */
    public static Target parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing target; write ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a target: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw new IllegalArgumentException("'" + text + "' has no scheme; write ntp://, echo:// or neon:// in front");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw new IllegalArgumentException("'" + text + "': a target has no path");
        }
        int port = uri.getPort();
        switch (scheme) {
            case "ntp" -> port = port < 0 ? NTP_DEFAULT_PORT : port;
            case "neon" -> port = port < 0 ? NEON_DEFAULT_PORT : port;
            case "echo" -> {
                if (port < 0) {
                    throw new IllegalArgumentException("'" + text + "' needs a port: echo://HOST:PORT");
                }
            }
            default -> throw new IllegalArgumentException(
                    "unknown scheme '" + scheme + "' in '" + text + "'; use ntp://, echo:// or neon://");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + text + "' is out of range 1-65535");
        }
        return new Target(scheme, host, port, text.trim());
    }

    @Override
    public String toString() {
        return text;
    }
}
