package io.lockstep.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.lockstep.neon.PhoneStatus;
import io.lockstep.net.NeonClient;

/**
 * Finds Pupil Labs Companion phones without typed addresses, each as a {@code neon://} device:
 * over multicast DNS, where the app advertises {@code _http._tcp} under an instance name
 * {@code PI monitor:PHONE NAME:HARDWARE ID} (what Pupil Labs' own discovery looks for), and, for
 * networks that block multicast, by asking every address of a {@link CidrRange} for
 * {@code GET /api/status} on the app's port (8080), at most {@value #PARALLEL} at a time, nothing
 * outside the range, an address that timed out asked once more. An answer counts only when it
 * is a Companion status (it lists a {@code Phone} component). Stateless and thread-safe.
 */
public final class PhoneDiscovery {

    /** The service type the Companion app advertises. */
    public static final String SERVICE_TYPE = "_http._tcp.local.";

    /** The start of the instance name of every Companion app's advertisement. */
    public static final String NAME_PREFIX = "PI monitor:";

    /** The Companion app's HTTP port unless it had to fall back to another. */
    public static final int DEFAULT_PORT = 8080;

    /** Requests in flight at once during a scan. */
    public static final int PARALLEL = 64;

    private PhoneDiscovery() {
    }

    /**
     * The phone name in an advertisement's instance name ({@code PI monitor:NAME:ID}), or null
     * when the name is not a Companion app's.
     */
    public static String phoneName(String instanceName) {
        if (instanceName == null || !instanceName.startsWith(NAME_PREFIX)) {
            return null;
        }
        String rest = instanceName.substring(NAME_PREFIX.length());
        // The hardware id follows the last colon; a phone name may itself hold one.
        int cut = rest.lastIndexOf(':');
        String name = cut >= 0 ? rest.substring(0, cut) : rest;
        return name.isBlank() ? null : SafeText.printable(name);
    }

    /**
     * Browses multicast DNS for Companion apps for about {@code timeoutMillis} (see
     * {@link DnsSd#browse}: only what the multicast answers carry, no connection to any phone).
     *
     * @param address the interface address to browse on, or null for JmDNS's choice
     * @return one {@code neon://} device per phone, named after the phone, in name order
     */
    public static List<Device> browse(InetAddress address, long timeoutMillis) throws IOException {
        List<Device> found = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DnsSd.Service s : DnsSd.list(address, SERVICE_TYPE, timeoutMillis)) {
            String name = phoneName(s.instanceName());
            if (name == null || s.port() < 1 || s.port() > 65535) {
                continue;
            }
            String authority = s.host().indexOf(':') >= 0 ? "[" + s.host() + "]" : s.host();
            String unique = names.add(name) ? name : name + "@" + authority;
            try {
                found.add(Device.parse(unique, "neon://" + authority + ":" + s.port()));
            } catch (IllegalArgumentException e) {
                // Anyone on the LAN may advertise: one unusable advertisement costs only itself.
            }
        }
        found.sort(Comparator.comparing(Device::name));
        return found;
    }

    /**
     * Scans {@code range} for Companion apps on {@code port}.
     *
     * @param timeoutNanos how long one address may take to answer
     * @return one {@code neon://} device per address that answered with a Companion status, named
     *         after the phone, in address order
     */
    public static List<Device> scan(CidrRange range, int port, long timeoutNanos) throws InterruptedException {
        List<InetAddress> addresses = range.addresses();
        List<Object> results = probe(addresses, port, timeoutNanos);
        List<Integer> retry = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof SocketTimeoutException) {
                retry.add(i);
            }
        }
        if (!retry.isEmpty()) {
            // A phone on busy Wi-Fi may miss one request; a refused or unroutable address is not asked again.
            List<InetAddress> again = new ArrayList<>();
            retry.forEach(i -> again.add(addresses.get(i)));
            List<Object> second = probe(again, port, timeoutNanos);
            for (int k = 0; k < retry.size(); k++) {
                results.set(retry.get(k), second.get(k));
            }
        }
        List<Device> found = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < addresses.size(); i++) {
            if (results.get(i) instanceof PhoneStatus status) {
                String host = addresses.get(i).getHostAddress();
                String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
                String name = status.deviceName() == null || status.deviceName().isBlank() ? authority
                        : SafeText.printable(status.deviceName());
                found.add(Device.parse(names.add(name) ? name : name + "@" + authority,
                        "neon://" + authority + ":" + port));
            }
        }
        return found;
    }

    /** Per address, its {@link PhoneStatus}, or the exception that ended its probe. */
    private static List<Object> probe(List<InetAddress> addresses, int port, long timeoutNanos)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, addresses.size())), r -> {
            Thread t = new Thread(r, "lockstep-phone-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Object>> pending = new ArrayList<>(addresses.size());
            for (InetAddress a : addresses) {
                pending.add(pool.submit(() -> {
                    NeonClient phone = new NeonClient(a.getHostAddress(), port, timeoutNanos);
                    try {
                        return PhoneStatus.parse(phone.statusBody(), "http://" + phone.authority() + "/api/status");
                    } catch (IOException | RuntimeException e) {
                        return e;
                    }
                }));
            }
            List<Object> results = new ArrayList<>(pending.size());
            for (Future<Object> f : pending) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    results.add(e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
