package io.lockstep.fleet;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Finds agents by asking every address of a {@link CidrRange} for {@code GET /api/status} on the
 * agent port, for networks that block multicast. It probes nothing outside the range and at most
 * {@value #PARALLEL} addresses at a time. Stateless; each scan uses the given client.
 */
public final class AgentScan {

    /** Requests in flight at once. */
    public static final int PARALLEL = 64;

    private AgentScan() {
    }

    /**
     * Scans {@code range} on {@code port}.
     *
     * @return the agents that answered with a status document (including agents of another
     *         version, which the monitor then shows with the reason), in address order
     */
    public static List<Device> scan(CidrRange range, int port, AgentClient client) throws InterruptedException {
        List<InetAddress> addresses = range.addresses();
        List<AgentClient.Result> results = probe(addresses, port, client);
        // A silent address gets a second chance: a busy agent or a lossy link may miss one request.
        List<Integer> retry = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).status() == null && results.get(i).error().startsWith("unreachable: no answer")) {
                retry.add(i);
            }
        }
        if (!retry.isEmpty()) {
            List<InetAddress> again = new ArrayList<>();
            retry.forEach(i -> again.add(addresses.get(i)));
            List<AgentClient.Result> second = probe(again, port, client);
            for (int k = 0; k < retry.size(); k++) {
                results.set(retry.get(k), second.get(k));
            }
        }
        List<Device> found = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < addresses.size(); i++) {
            AgentClient.Result r = results.get(i);
            if (r.status() != null) {
                String host = addresses.get(i).getHostAddress();
                String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
                // Agents are named after their host by default; two with one name are told apart by address.
                String name = names.add(r.status().name()) ? r.status().name() : r.status().name() + "@" + authority;
                found.add(Device.parse(name, "agent://" + authority + ":" + port));
            }
        }
        return found;
    }

    private static List<AgentClient.Result> probe(List<InetAddress> addresses, int port, AgentClient client)
            throws InterruptedException {
        List<CompletableFuture<AgentClient.Result>> pending = new ArrayList<>(addresses.size());
        Semaphore slots = new Semaphore(PARALLEL);
        for (InetAddress a : addresses) {
            slots.acquire();
            CompletableFuture<AgentClient.Result> f = client.status(a.getHostAddress(), port);
            f.whenComplete((r, e) -> slots.release());
            pending.add(f);
        }
        List<AgentClient.Result> results = new ArrayList<>(pending.size());
        for (CompletableFuture<AgentClient.Result> f : pending) {
            results.add(f.join());
        }
        return results;
    }
}
