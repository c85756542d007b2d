package io.lockstep.sim;

import java.io.IOException;
import java.net.InetAddress;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * Advertises a stand-in Companion app over multicast DNS as the real app does: an
 * {@code _http._tcp} service named {@code PI monitor:DEVICE NAME:DEVICE ID} on host
 * {@code neon.local.} at the API's port, which is what Pupil Labs' {@code discover_devices}
 * browses for (it keeps the services whose name starts with {@code PI monitor:}). Uses JmDNS, as
 * the agents' DNS-SD does. Thread-safe; close it to withdraw the service.
 */
final class CompanionAdvert implements AutoCloseable {

    /** The DNS-SD type the app registers, fully qualified for JmDNS. */
    static final String SERVICE_TYPE = "_http._tcp.local.";
    /** What the app's service names start with; the rest is {@code DEVICE NAME:DEVICE ID}. */
    static final String NAME_PREFIX = "PI monitor:";
    /** The host name the Neon Companion app announces ({@code pi} for Pupil Invisible). */
    static final String HOST_NAME = "neon";

    private final JmDNS jmdns;
    private final String serviceName;

    private CompanionAdvert(JmDNS jmdns, String serviceName) {
        this.jmdns = jmdns;
        this.serviceName = serviceName;
    }

    /** The service instance name for a phone. */
    static String serviceName(String deviceName, String deviceId) {
        return NAME_PREFIX + deviceName + ":" + deviceId;
    }

    /**
     * Registers the service on the interface of {@code address}; returns once it is announced.
     *
     * @throws IOException when multicast DNS cannot start there
     */
    static CompanionAdvert start(InetAddress address, String deviceName, String deviceId, int httpPort)
            throws IOException {
        JmDNS jmdns = JmDNS.create(address, HOST_NAME);
        String name = serviceName(deviceName, deviceId);
        try {
            jmdns.registerService(ServiceInfo.create(SERVICE_TYPE, name, httpPort, ""));
        } catch (IOException | RuntimeException e) {
            jmdns.close();
            throw e;
        }
        return new CompanionAdvert(jmdns, name);
    }

    /** The advertised instance name, {@code PI monitor:NAME:ID}. */
    String serviceName() {
        return serviceName;
    }

    /** How long {@link #close} waits for the goodbye before leaving it to a daemon thread. */
    static final long CLOSE_DEADLINE_MILLIS = 500;

    /**
     * Withdraws the service, waiting at most {@link #CLOSE_DEADLINE_MILLIS}: JmDNS's unregister
     * and close each wait seconds for their goodbye packets and its timers, which held
     * {@code serve --duration} 4+ s past its end. The rest finishes on a daemon thread (or dies
     * with the JVM); a browser that misses the goodbye drops the service when its TTL expires.
     */
    @Override
    public void close() {
        Thread closer = new Thread(() -> {
            try {
                jmdns.unregisterAllServices();
                jmdns.close();
            } catch (IOException | RuntimeException e) {
                // Withdrawing is best effort: the advert expires with its TTL anyway.
            }
        }, "companion-mdns-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_DEADLINE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
