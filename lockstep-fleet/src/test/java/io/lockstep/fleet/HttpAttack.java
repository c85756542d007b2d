package io.lockstep.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.sim.host.HostStats;

/**
 * Attacks on an HTTP server for tests, on loopback only: connections that each send a partial
 * header line and then one more byte now and then (slowloris), each from its own loopback source
 * address so per-address caps do not hide them, re-opened when the server closes them. Not
 * thread-safe: one test thread drives it through {@link #keepUp}.
 */
final class HttpAttack implements AutoCloseable {

    private final InetSocketAddress target;
    private final String sourcePrefix;
    private final Socket[] sockets;

    /**
     * @param sourcePrefix loopback source addresses {@code sourcePrefix + (i + 1)}, e.g. "127.0.1."
     */
    HttpAttack(InetSocketAddress target, String sourcePrefix, int connections) {
        this.target = target;
        this.sourcePrefix = sourcePrefix;
        this.sockets = new Socket[connections];
    }

    /** Opens missing connections and sends each open one more byte of its never-ending header. */
    void keepUp() {
        for (int i = 0; i < sockets.length; i++) {
            try {
                if (sockets[i] == null) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress(InetAddress.getByName(sourcePrefix + (i + 1)), 0));
                    s.connect(target, 2_000);
                    sockets[i] = s;
                    s.getOutputStream().write("GET /api/status HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(
                            StandardCharsets.US_ASCII));
                } else {
                    OutputStream out = sockets[i].getOutputStream();
                    out.write('x');
                    out.flush();
                }
            } catch (IOException e) {
                closeQuietly(sockets[i]);
                sockets[i] = null;
            }
        }
    }

    /** Connections currently believed open. */
    int open() {
        int n = 0;
        for (Socket s : sockets) {
            if (s != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Sends a GET and closes the connection before reading any answer: with a reset when
     * {@code reset}, else with an orderly close (the answer then meets a closed socket). A
     * connection the server refuses counts as sent.
     */
    static void earlyClose(InetSocketAddress target, String path, boolean reset) {
        try (Socket s = new Socket()) {
            s.connect(target, 2_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (reset) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // Refused by a connection cap (reset at accept): the attack goes on regardless.
        }
    }

    /** Descriptors this JVM holds now (Linux). */
    static int descriptors() throws IOException {
        long n = HostStats.descriptors(ProcessHandle.current().pid());
        if (n < 0) {
            throw new IOException("no /proc/PID/fd to count descriptors in");
        }
        return (int) n;
    }

    @Override
    public void close() {
        for (int i = 0; i < sockets.length; i++) {
            closeQuietly(sockets[i]);
            sockets[i] = null;
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // A test's attacker socket: nothing to undo.
            }
        }
    }

    static List<String> sample(List<String> list, int n) {
        return new ArrayList<>(list.subList(0, Math.min(n, list.size())));
    }
}
