package io.lockstep.fleet;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * DNS-SD over multicast DNS with JmDNS: an agent advertises {@code _lockstep._tcp} with its name
 * and version in the TXT record; the monitor browses for such services. Multicast must reach
 * the interface used: institutional Wi-Fi often blocks it (use {@code --scan} or a fleet file),
 * and Linux's loopback has no MULTICAST flag unless an administrator sets one. Thread-safe.
 */
public final class DnsSd {

    private DnsSd() {
    }

    /** A running advertisement; {@link #close()} withdraws it. */
    public static final class Advertisement implements AutoCloseable {
        private final JmDNS jmdns;

        private Advertisement(JmDNS jmdns) {
            this.jmdns = jmdns;
        }

        @Override
        public void close() throws IOException {
            jmdns.unregisterAllServices();
            jmdns.close();
        }
    }

    /**
     * Advertises an agent's HTTP port.
     *
     * @param address the interface address to announce on, or null for JmDNS's choice
     */
    public static Advertisement advertise(InetAddress address, String name, int httpPort, String version)
            throws IOException {
        JmDNS jmdns = address == null ? JmDNS.create() : JmDNS.create(address, "lockstep-" + sanitize(name));
        try {
            ServiceInfo info = ServiceInfo.create(FleetApi.SERVICE_TYPE, name, httpPort, 0, 0,
                    Map.of("name", name, "version", version, "api", Integer.toString(FleetApi.API_VERSION),
                            "path", FleetApi.STATUS_PATH));
            jmdns.registerService(info);
            return new Advertisement(jmdns);
        } catch (IOException | RuntimeException e) {
            jmdns.close();
            throw e;
        }
    }

    /** One agent found by browsing; its name and version, from the network, made printable. */
    public record Found(String name, String version, String host, int port) {
        public Found {
            name = SafeText.printable(name);
            version = SafeText.printable(version);
        }

        /** The agent as a device for the monitor. */
        public Device device() {
            String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return Device.parse(name, "agent://" + authority + ":" + port);
        }
    }

    /**
     * Browses for agents for about {@code timeoutMillis}: JmDNS's list waits that long and reads
     * only what the multicast answers already carry (no connection to any agent), so a hostile
     * agent cannot stretch it; the agents found are then polled through {@link AgentClient}.
     *
     * @param address the interface address to browse on, or null for JmDNS's choice
     */
    public static List<Found> browse(InetAddress address, long timeoutMillis) throws IOException {
        try (JmDNS jmdns = address == null ? JmDNS.create() : JmDNS.create(address, "lockstep-monitor")) {
            ServiceInfo[] infos = jmdns.list(FleetApi.SERVICE_TYPE, timeoutMillis);
            List<Found> found = new ArrayList<>();
            for (ServiceInfo info : infos) {
                InetAddress[] addrs = info.getInetAddresses();
                if (addrs.length == 0) {
                    continue;
                }
                // Prefer IPv4: link-local IPv6 addresses need a zone the monitor may not know.
                InetAddress a = addrs[0];
                for (InetAddress candidate : addrs) {
                    if (!(candidate instanceof Inet6Address)) {
                        a = candidate;
                        break;
                    }
                }
                Found f = found(info.getPropertyString("name"), info.getName(), info.getPropertyString("version"), a,
                        info.getPort());
                if (f != null) {
                    found.add(f);
                }
            }
            found.sort(Comparator.comparing(Found::name));
            return found;
        }
    }

    /**
     * One service instance found by {@link #list}: its instance name, preferred address and port.
     *
     * @param instanceName the service instance name as advertised (not made printable)
     * @param host         an IPv4 address when it has one, else its first address
     * @param port         the advertised port
     */
    public record Service(String instanceName, String host, int port) {
    }

    /**
     * Lists the instances of any service type for about {@code timeoutMillis}, reading only what
     * the multicast answers carry; instances without an address are left out. The agents' browse
     * and the Companion phones' ({@link PhoneDiscovery}) share it.
     *
     * @param address the interface address to browse on, or null for JmDNS's choice
     * @param type    e.g. {@code _http._tcp.local.}
     */
    public static List<Service> list(InetAddress address, String type, long timeoutMillis) throws IOException {
        try (JmDNS jmdns = address == null ? JmDNS.create() : JmDNS.create(address, "lockstep-monitor")) {
            List<Service> out = new ArrayList<>();
            for (ServiceInfo info : jmdns.list(type, timeoutMillis)) {
                InetAddress a = preferred(info);
                if (a != null) {
                    out.add(new Service(info.getName(), a.getHostAddress(), info.getPort()));
                }
            }
            return out;
        }
    }

    /** An IPv4 address when there is one (link-local IPv6 needs a zone the monitor may not know), else the first; null with none. */
    private static InetAddress preferred(ServiceInfo info) {
        InetAddress[] addrs = info.getInetAddresses();
        if (addrs.length == 0) {
            return null;
        }
        for (InetAddress candidate : addrs) {
            if (!(candidate instanceof Inet6Address)) {
                return candidate;
            }
        }
        return addrs[0];
    }

    /**
     * One advertisement as the monitor uses it, or null when it cannot be an agent (a port out
     * of range, a name no device can carry): anyone on the LAN may advertise, and one bad
     * advertisement must cost its own row, not the whole browse.
     *
     * @param txtName     the TXT record's {@code name}, or null
     * @param serviceName the service instance name, used when the TXT record names none
     */
    static Found found(String txtName, String serviceName, String version, InetAddress address, int port) {
        String name = txtName == null || txtName.isBlank() ? serviceName : txtName;
        if (name == null || port < 1 || port > 65535) {
            return null;
        }
        Found f = new Found(name, version, address.getHostAddress(), port);
        try {
            f.device();
        } catch (IllegalArgumentException e) {
            return null;
        }
        return f;
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9-]", "-");
    }
}
