package io.lockstep.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the installed {@link DatagramTransport} providers (once per JVM, through
 * {@link ServiceLoader}) and opens a kernel-stamped socket with the first that works here.
 * Thread-safe: the provider list is computed once and never changes.
 */
final class DatagramTransports {

    private static final System.Logger LOG = System.getLogger(DatagramTransports.class.getName());

    private DatagramTransports() {
    }

    /** What the service loader found, and why nothing, when nothing. */
    private record Loaded(List<DatagramTransport> providers, String problem) {
    }

    /** Lazily loaded, so a JVM that never serves NTP never touches the providers' native code. */
    private static final class Installed {
        static final Loaded LOADED = load();

        private static Loaded load() {
            List<DatagramTransport> found = new ArrayList<>();
            try {
                for (DatagramTransport t : ServiceLoader.load(DatagramTransport.class,
                        DatagramTransport.class.getClassLoader())) {
                    found.add(t);
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                // A provider whose own dependencies are missing (e.g. the JNA jar): treat as absent.
                LOG.log(System.Logger.Level.DEBUG, "kernel-timestamp transport not loadable: {0}", e.toString());
                return new Loaded(List.copyOf(found), "kernel-timestamp transport not loadable: " + oneLine(e));
            }
            return new Loaded(List.copyOf(found), found.isEmpty()
                    ? "no kernel-timestamp transport installed (the optional lockstep-linux module)" : null);
        }
    }

    /**
     * Binds a kernel-stamped UDP socket with the first provider that works on this platform.
     *
     * @throws UnsupportedOperationException when none is installed or none works here (one-line reason)
     * @throws IOException when a working provider could not bind (e.g. the port is taken)
     */
    static StampedDatagramSocket bind(InetSocketAddress address, int receiveBufferBytes) throws IOException {
        List<DatagramTransport> providers = Installed.LOADED.providers();
        if (providers.isEmpty()) {
            throw new UnsupportedOperationException(Installed.LOADED.problem());
        }
        List<String> reasons = new ArrayList<>();
        for (DatagramTransport t : providers) {
            try {
                return t.bind(address, receiveBufferBytes);
            } catch (UnsupportedOperationException e) {
                reasons.add(t.description() + ": " + oneLine(e));
            } catch (LinkageError e) {
                // Native library missing or incompatible: this provider cannot work here.
                reasons.add(t.description() + ": " + oneLine(e));
            }
        }
        throw new UnsupportedOperationException(String.join("; ", reasons));
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').strip();
    }
}
