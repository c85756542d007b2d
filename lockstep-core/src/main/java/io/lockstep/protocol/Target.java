package io.lockstep.protocol;

import java.util.Locale;

/**
 * A clock to measure, as written on the command line: {@code ntp://HOST[:PORT]},
 * {@code echo://HOST:PORT} or {@code neon://HOST[:PORT]}, or the scheme of any other registered
 * {@link Protocol}. IPv6 literals go in brackets ({@code ntp://[::1]:123}). Every construction
 * path validates: a target always has a protocol, a host and a port in range. Immutable.
 *
 * @param protocol how the clock is measured
 * @param host     host name or address literal (without brackets)
 * @param port     port number; the protocol's default when the text omits it
 * @param text     the target as the user wrote it
 */
public record Target(Protocol protocol, String host, int port, String text) {

    /** NTP's well-known port. */
    public static final int NTP_DEFAULT_PORT = 123;
    /** Port of the Pupil Labs Companion app's HTTP API. */
    public static final int NEON_DEFAULT_PORT = 8080;

    public Target {
        if (protocol == null) {
            throw new IllegalArgumentException("a target needs a protocol");
        }
        if (host == null || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']'
                || c == '@' || c == '?' || c == '#')) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
        if (text == null || text.isBlank()) {
            text = protocol.scheme() + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A target built from its parts; its text is {@code scheme://host:port}. */
    public static Target of(Protocol protocol, String host, int port) {
        return new Target(protocol, host, port, null);
    }

    /** {@code host:port}, with an IPv6 host in brackets, for messages. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The protocol's URL scheme, e.g. {@code ntp}. */
    public String scheme() {
        return protocol.scheme();
    }

    /** Parses a target of one of the {@linkplain Protocols#standard() standard protocols}. */
    public static Target parse(String text) {
        return parse(text, Protocols.standard());
    }

    /**
     * Parses a target whose scheme is registered in {@code protocols}.
     *
     * @throws IllegalArgumentException with a one-line message naming what is wrong
     */
    public static Target parse(String text, Protocols protocols) {
        String forms = protocols.forms();
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing target; write " + forms);
        }
        String t = text.trim();
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("'" + t + "' has no scheme; write " + forms);
        }
        String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
        Protocol protocol = protocols.find(scheme).orElseThrow(() -> new IllegalArgumentException(
                "unknown scheme '" + scheme + "' in '" + t + "'; write " + forms));
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
            port = protocol.defaultPort();
            if (port == 0) {
                throw new IllegalArgumentException("'" + t + "' needs a port: " + protocol.form());
            }
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
        return new Target(protocol, host, port, t);
    }

    @Override
    public String toString() {
        return text;
    }
}
