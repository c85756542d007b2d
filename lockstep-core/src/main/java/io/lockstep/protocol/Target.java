package io.lockstep.protocol;

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

    private static final String FORMS = "ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]";

    /**
     * Parses a target.
     *
     * @throws IllegalArgumentException with a one-line message naming what is wrong
     */
    public static Target parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing target; write " + FORMS);
        }
        String t = text.trim();
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("'" + t + "' has no scheme; write " + FORMS);
        }
        String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("ntp") && !scheme.equals("echo") && !scheme.equals("neon")) {
            throw new IllegalArgumentException("unknown scheme '" + scheme + "' in '" + t + "'; use ntp://, echo:// or neon://");
        }
        String authority = t.substring(sep + 3);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/") || authority.contains("?") || authority.contains("#") || authority.contains("@")) {
            throw new IllegalArgumentException("'" + t + "': a target is only HOST[:PORT], without path or user");
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + t + "': missing ']' after the IPv6 address");
            }
            host = authority.substring(1, close);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + t + "': expected ':PORT' after ']'");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("'" + t + "': put an IPv6 address in brackets, e.g. "
                        + scheme + "://[::1]:PORT");
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + t + "' has no host");
        }
        int port;
        if (portText == null) {
            port = switch (scheme) {
                case "ntp" -> NTP_DEFAULT_PORT;
                case "neon" -> NEON_DEFAULT_PORT;
                default -> throw new IllegalArgumentException("'" + t + "' needs a port: echo://HOST:PORT");
            };
        } else {
            if (portText.isEmpty()) {
                throw new IllegalArgumentException("'" + t + "' has an empty port after ':'");
            }
            if (!portText.chars().allMatch(Character::isDigit) || portText.length() > 5) {
                throw new IllegalArgumentException("port '" + portText + "' in '" + t + "' is not a number 1-65535");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " in '" + t + "' is out of range 1-65535");
            }
        }
        return new Target(scheme, host, port, t);
    }

    @Override
    public String toString() {
        return text;
    }
}
