package io.lockstep.fleet.chrony;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes the room's chrony plan: a {@code chrony.conf} for the room's time server (serving the
 * room with {@code allow}, keeping time with {@code local stratum} when the room is offline) and
 * one for every device (the room's server with {@code iburst} and short polling, a step policy
 * for Raspberry Pis without a real-time clock, {@code rtcsync}). Every directive is preceded by a
 * comment saying why it is there, so the file explains itself on the device. Pure text, no I/O;
 * immutable and thread-safe.
 *
 * <p>The device policy is deliberate: a Pi without an RTC boots with its clock at the last
 * shutdown (fake-hwclock) or at 1970, and its Wi-Fi may come up long after chronyd, so chrony
 * must be allowed to step at any update, not only the first few ({@code makestep 1 -1}, as
 * Synch.Live's playbook did); below one second it slews, so a running show never sees its
 * system clock jump. Lockstep's agent does not need any of this (it tracks the reference itself
 * and never reads the system clock's correctness on faith), but everything else on the Pi does.
 */
public final class ChronyConf {

    /** Host names and addresses chrony accepts in a {@code server} line: no spaces, no directives smuggled in. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    private static final Pattern CIDR = Pattern.compile("[0-9A-Fa-f.:]{1,45}(/[0-9]{1,3})?");

    /** Debian's drift file, where chrony keeps the learned frequency across restarts. */
    public static final String DEFAULT_DRIFT_FILE = "/var/lib/chrony/chrony.drift";

    private ChronyConf() {
    }

    /**
     * The time server's settings.
     *
     * @param allow        networks allowed to ask for time (CIDR), empty for every network
     * @param localStratum stratum served while no upstream source is reachable (1-15)
     * @param upstreams    upstream NTP servers or pools for when the room has internet; may be empty
     * @param driftFile    where chrony keeps its frequency estimate
     */
    public record Server(List<String> allow, int localStratum, List<String> upstreams, String driftFile) {
        public Server {
            allow = List.copyOf(allow);
            upstreams = List.copyOf(upstreams);
            Objects.requireNonNull(driftFile, "driftFile");
            if (localStratum < 1 || localStratum > 15) {
                throw new IllegalArgumentException("local stratum must be 1-15, got " + localStratum);
            }
            for (String a : allow) {
                if (!CIDR.matcher(a).matches()) {
                    throw new IllegalArgumentException("not an address or CIDR range: " + quoted(a));
                }
            }
            for (String u : upstreams) {
                checkHost(u);
            }
            checkPath(driftFile);
        }

        /** Serves every network, stratum 10 when offline, no upstream, Debian's drift file. */
        public static Server defaults() {
            return new Server(List.of(), 10, List.of(), DEFAULT_DRIFT_FILE);
        }
    }

    /**
     * A device's settings.
     *
     * @param host      the room's time server
     * @param port      its NTP port (123 unless the server runs unprivileged)
     * @param minPoll   shortest polling interval, log2 seconds
     * @param maxPoll   longest polling interval, log2 seconds
     * @param driftFile where chrony keeps its frequency estimate
     */
    public record Device(String host, int port, int minPoll, int maxPoll, String driftFile) {
        public Device {
            checkHost(host);
            checkPath(driftFile);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
            }
            if (minPoll < -6 || maxPoll > 24 || minPoll > maxPoll) {
                throw new IllegalArgumentException("poll range " + minPoll + ".." + maxPoll + " is not within -6..24");
            }
        }

        /**
         * The room's server at {@code HOST[:PORT]} ({@code [v6]:PORT} for IPv6), polled every 1 s
         * to 16 s, Debian's drift file.
         */
        public static Device of(String hostPort) {
            String host = hostPort;
            int port = 123;
            if (hostPort.startsWith("[")) {
                int end = hostPort.indexOf(']');
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '[' in " + hostPort);
                }
                host = hostPort.substring(1, end);
                if (end + 1 < hostPort.length()) {
                    port = port(hostPort, hostPort.substring(end + 1));
                }
            } else if (hostPort.indexOf(':') >= 0 && hostPort.indexOf(':') == hostPort.lastIndexOf(':')) {
                int colon = hostPort.indexOf(':');
                host = hostPort.substring(0, colon);
                port = port(hostPort, hostPort.substring(colon));
            }
            return new Device(host, port, 0, 4, DEFAULT_DRIFT_FILE);
        }

        private static int port(String whole, String colonPort) {
            if (!colonPort.matches(":[0-9]{1,5}")) {
                throw new IllegalArgumentException("expected HOST[:PORT], got " + quoted(whole));
            }
            return Integer.parseInt(colonPort.substring(1));
        }
    }

    /** The server's chrony.conf. */
    public static String server(Server s, String version) {
        List<String> out = new ArrayList<>();
        preamble(out, "the room's time server", "lockstep chrony-conf server", version);
        for (String u : s.upstreams()) {
            why(out, "An upstream source for when the room has internet; offline, chrony marks it unreachable and the",
                    "'local' line below keeps the room on this machine's clock.");
            out.add("server " + u + " iburst");
        }
        why(out, "Serve time to the devices. Without a range chrony serves no one; this is the one line that makes",
                "this machine the room's time server.");
        if (s.allow().isEmpty()) {
            out.add("allow all");
        } else {
            for (String a : s.allow()) {
                out.add("allow " + a);
            }
        }
        why(out, "An offline room still has time: with no reachable upstream, serve this machine's own clock at stratum "
                + s.localStratum() + ",", "high enough that any real upstream source wins once one is reachable. The devices "
                + "only need to agree with", "each other, and they all follow this one clock.");
        out.add("local stratum " + s.localStratum());
        why(out, "Step the clock if it is more than 1 s off during the first three updates (a boot without an RTC); later",
                "chrony only slews, so the devices following this server never see it jump during a show.");
        out.add("makestep 1 3");
        why(out, "Remember the learned frequency error across restarts, so the clock holds time well from the first",
                "minute even when no upstream is reachable.");
        out.add("driftfile " + s.driftFile());
        why(out, "Copy the system time to the RTC every 11 minutes where there is one, so the next boot starts close.");
        out.add("rtcsync");
        return String.join("\n", out) + "\n";
    }

    /** A device's chrony.conf. */
    public static String device(Device d, String version) {
        List<String> out = new ArrayList<>();
        preamble(out, "a device of the room", "lockstep chrony-conf device --server " + hostPort(d), version);
        why(out, "The room's time server, and only it: every device follows the same clock, so they agree with each",
                "other even when the room is offline. iburst sends four requests at start so the first estimate comes",
                "within seconds of boot instead of minutes; polling every 2^" + d.minPoll() + " to 2^" + d.maxPoll()
                        + " s (short, for a LAN) tracks",
                "a Pi's crystal, which wanders with temperature, far more closely than chrony's default of 64 s to 17 min.");
        out.add("server " + d.host() + (d.port() == 123 ? "" : " port " + d.port()) + " iburst minpoll " + d.minPoll()
                + " maxpoll " + d.maxPoll());
        why(out, "A Pi without an RTC boots with its clock at the last shutdown or at 1970, and its Wi-Fi may come up",
                "long after chronyd starts: step whenever the clock is more than 1 s off, at any update (limit -1), not",
                "only the first few. Below 1 s chrony slews, so a running show never sees the clock jump.");
        out.add("makestep 1 -1");
        why(out, "Copy the system time to the RTC every 11 minutes where there is one (an RTC HAT), so the next boot",
                "starts close.");
        out.add("rtcsync");
        why(out, "Remember the learned frequency error across restarts: the clock drifts less in the first minutes.");
        out.add("driftfile " + d.driftFile());
        why(out, "A device serves time to no one: no NTP port open on the network.");
        out.add("port 0");
        return String.join("\n", out) + "\n";
    }

    private static void preamble(List<String> out, String what, String command, String version) {
        out.add("# chrony.conf for " + what + ", written by `" + command + "`"
                + (version == null ? "" : " (lockstep " + version + ")") + ".");
        out.add("# Each directive follows a comment saying why it is there. Lockstep's agent does not depend on it: it");
        out.add("# tracks the reference itself and reports chrony's view beside its own ('chronyc tracking').");
    }

    private static void why(List<String> out, String... lines) {
        out.add("");
        for (String l : lines) {
            out.add("# " + l);
        }
    }

    private static String hostPort(Device d) {
        String h = d.host().indexOf(':') >= 0 ? "[" + d.host() + "]" : d.host();
        return d.port() == 123 ? h : h + ":" + d.port();
    }

    /** Input quoted in an error message, control characters shown as '?': the message is one line. */
    private static String quoted(String text) {
        return "'" + (text == null ? "" : text.replaceAll("\\p{Cntrl}", "?")) + "'";
    }

    private static void checkHost(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a host name or address: " + quoted(host));
        }
    }

    private static void checkPath(String path) {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '#')) {
            throw new IllegalArgumentException("not an absolute path without spaces: " + quoted(path));
        }
    }
}
