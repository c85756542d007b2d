package io.lockstep.fleet;

import java.util.Locale;

import io.lockstep.protocol.Protocols;
import io.lockstep.protocol.Target;

/**
 * One device the monitor watches: a Lockstep agent ({@code agent://HOST[:PORT]}, read over its
 * HTTP API), or an agentless clock measured from the monitor through any protocol of the
 * {@linkplain Protocols registry} ({@code ntp://}, {@code echo://}, {@code neon://}, or one a
 * program registers), so a new protocol works in fleets with no edit here. Immutable.
 *
 * @param name   what the monitor shows (the target's authority when the fleet file names none)
 * @param target the target as written, e.g. {@code agent://10.0.0.7:7474}
 * @param kind   how the device is measured
 * @param host   host name or address literal (no brackets)
 * @param port   the agent's HTTP port, or the protocol's port
 * @param clock  for agentless devices, the target the monitor tracks; null for agents
 */
public record Device(String name, String target, Kind kind, String host, int port, Target clock) {

    /** How a device is measured. */
    public enum Kind {
        /** A Lockstep agent: its own tracker, read over HTTP. */
        AGENT,
        /** A clock the monitor tracks itself over a registered protocol ({@link Device#clock()}). */
        MEASURED
    }

    /** The scheme of agents, the one device scheme that is not a clock protocol. */
    public static final String AGENT_SCHEME = "agent";

    /** The forms a device target may take with the standard protocols, for messages. */
    public static final String FORMS = forms(Protocols.standard());

    /** The forms a device target may take with {@code protocols}, for messages. */
    public static String forms(Protocols protocols) {
        return AGENT_SCHEME + "://HOST[:PORT], " + protocols.forms();
    }

    /**
     * Parses a device target of an agent or a {@linkplain Protocols#standard() standard protocol}.
     *
     * @param name null to name the device after its authority
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Device parse(String name, String target) {
        return parse(name, target, Protocols.standard());
    }

    /**
     * Parses a device target of an agent or of any protocol registered in {@code protocols}.
     *
     * @param name null to name the device after its authority
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Device parse(String name, String target, Protocols protocols) {
        String t = target == null ? "" : target.trim();
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("'" + t + "' is not a device; write " + forms(protocols));
        }
        String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
        if (scheme.equals(AGENT_SCHEME)) {
            // Target parses authorities; borrow it with a registered scheme whose default port we then replace.
            String authority = t.substring(sep + 3);
            boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
            Target parsed = Target.parse("ntp://" + authority);
            int port = hasPort ? parsed.port() : FleetApi.DEFAULT_HTTP_PORT;
            return new Device(name, t, Kind.AGENT, parsed.host(), port, null);
        }
        if (protocols.find(scheme).isEmpty()) {
            throw new IllegalArgumentException("unknown device scheme '" + scheme + "' in '" + t + "'; write "
                    + forms(protocols));
        }
        Target parsed = Target.parse(t, protocols);
        return new Device(name, t, Kind.MEASURED, parsed.host(), parsed.port(), parsed);
    }

    /** How it is measured, as the "via" column shows it: {@code agent}, or the clock's scheme ({@code ntp}, ...). */
    public String via() {
        return clock == null ? AGENT_SCHEME : clock.scheme();
    }

    public Device {
        if (name != null) {
            // Scan and DNS-SD take the name from the network: no escape sequence reaches the operator's terminal.
            name = name.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        }
        if (name == null || name.isBlank()) {
            name = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** {@code host:port} with an IPv6 host in brackets. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
