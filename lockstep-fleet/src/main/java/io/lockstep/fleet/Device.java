package io.lockstep.fleet;

import java.util.Locale;

import io.lockstep.protocol.Target;

/**
 * One device the monitor watches: a Lockstep agent ({@code agent://HOST[:PORT]}, read over its
 * HTTP API), or an agentless clock measured from the monitor, an NTP server
 * ({@code ntp://HOST[:PORT]}) or a Pupil Labs Companion app ({@code neon://HOST[:PORT]}, over
 * Time Echo). Immutable.
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
        /** An NTP server, tracked from the monitor. */
        NTP,
        /** A Companion app, tracked from the monitor over Time Echo. */
        NEON;

        /** The word shown in the "via" column. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The forms a device target may take, for messages. */
    public static final String FORMS = "agent://HOST[:PORT], ntp://HOST[:PORT] or neon://HOST[:PORT]";

    /**
     * Parses a device target.
     *
     * @param name null to name the device after its authority
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Device parse(String name, String target) {
        String t = target == null ? "" : target.trim();
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("'" + t + "' is not a device; write " + FORMS);
        }
        String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
        Device d;
        switch (scheme) {
            case "agent" -> {
                // Target parses authorities; borrow it with a scheme whose default port we then replace.
                String authority = t.substring(sep + 3);
                boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
                Target parsed = Target.parse("ntp://" + authority);
                int port = hasPort ? parsed.port() : FleetApi.DEFAULT_HTTP_PORT;
                d = new Device(name, t, Kind.AGENT, parsed.host(), port, null);
            }
            case "ntp", "neon" -> {
                Target parsed = Target.parse(t);
                d = new Device(name, t, scheme.equals("ntp") ? Kind.NTP : Kind.NEON, parsed.host(), parsed.port(), parsed);
            }
            default -> throw new IllegalArgumentException("unknown device scheme '" + scheme + "' in '" + t + "'; write "
                    + FORMS);
        }
        return d;
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
