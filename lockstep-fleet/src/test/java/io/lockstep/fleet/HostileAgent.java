package io.lockstep.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile or broken "agent" for tests: a raw {@link ServerSocket} on loopback that answers
 * each request as its path's {@link Behaviour} says: an honest fixed answer, a flood (headers
 * then up to {@link #FLOOD_BYTES} of body, until the monitor hangs up), or a trickle (headers then
 * one byte every 100 ms). It stops by itself after {@code lifetimeMillis}, so a test against a
 * monitor that never gives up still ends. Thread-safe; one daemon thread per connection.
 */
public final class HostileAgent implements AutoCloseable {

    /** Most bytes one flooded answer sends (the monitor should hang up long before). */
    public static final long FLOOD_BYTES = 200L << 20;

    /** What to answer on a path. */
    public sealed interface Behaviour permits Honest, Flood, Trickle {
    }

    /** A fixed answer. */
    public record Honest(int status, String body) implements Behaviour {
    }

    /** 200 OK, then {@link #FLOOD_BYTES} of JSON-ish filler as fast as the socket takes it. */
    public record Flood() implements Behaviour {
    }

    /** 200 OK with a large Content-Length, then one byte every 100 ms. */
    public record Trickle() implements Behaviour {
    }

    private final ServerSocket server;
    private final Map<String, Behaviour> byPath;
    private final Behaviour otherwise;
    private final long stopAtMono;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** Body bytes written over all connections. */
    public final AtomicLong bodyBytesSent = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param byPath         behaviour per request path prefix (the longest matching prefix wins)
     * @param otherwise      behaviour for other paths
     * @param lifetimeMillis when it closes every connection and stops accepting
     */
    public HostileAgent(Map<String, Behaviour> byPath, Behaviour otherwise, long lifetimeMillis) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.byPath = Map.copyOf(byPath);
        this.otherwise = otherwise;
        this.stopAtMono = System.nanoTime() + lifetimeMillis * 1_000_000L;
        Thread acceptor = new Thread(this::acceptLoop, "hostile-agent-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(lifetimeMillis);
            } catch (InterruptedException e) {
                return;
            }
            close();
        }, "hostile-agent-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code agent://127.0.0.1:PORT} as a device. */
    public Device device(String name) {
        return Device.parse(name, "agent://127.0.0.1:" + port());
    }

    /** A status document of a synced agent whose clock agrees with the reference within 1 µs. */
    public static String syncedStatus(String name) {
        return "{\"name\":\"" + name + "\",\"version\":\"" + FleetApi.softwareVersion() + "\",\"api_version\":" + FleetApi.API_VERSION + ",\"state\":\"SYNCED\",\"offset_ns\":0,"
                + "\"error_bound_ns\":1000,\"drift_ppm\":0.0,\"samples\":10,\"dropped\":0,\"uptime_ns\":1,"
                + "\"local_wall_ns\":" + System.currentTimeMillis() * 1_000_000L + "}";
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "hostile-agent-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String path = readRequest(in);
            if (path == null) {
                return;
            }
            Behaviour b = otherwise;
            int best = -1;
            for (Map.Entry<String, Behaviour> e : byPath.entrySet()) {
                if (path.startsWith(e.getKey()) && e.getKey().length() > best) {
                    best = e.getKey().length();
                    b = e.getValue();
                }
            }
            if (b instanceof Honest h) {
                byte[] body = h.body().getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 " + h.status() + " X\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } else if (b instanceof Flood) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + FLOOD_BYTES
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                chunk[0] = '[';
                for (long sent = 0; sent < FLOOD_BYTES && !closed; sent += chunk.length) {
                    out.write(chunk);
                    bodyBytesSent.addAndGet(chunk.length);
                    chunk[0] = ' ';
                }
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (!closed && System.nanoTime() - stopAtMono < 0) {
                    out.write(' ');
                    out.flush();
                    bodyBytesSent.incrementAndGet();
                    Thread.sleep(100);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The monitor hung up, or the agent stopped: both end this connection.
        } finally {
            open.remove(s);
        }
    }

    /** Reads the request line and headers (and a Content-Length body); returns the path, or null. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() > 16_384) {
                return null;
            }
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String[] lines = head.toString().split("\r\n");
        if (lines.length == 0 || lines[0].split(" ").length < 2) {
            return null;
        }
        for (String l : lines) {
            if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                long n = Long.parseLong(l.substring(15).trim());
                in.readNBytes((int) Math.min(n, 65_536));
            }
        }
        return lines[0].split(" ")[1];
    }

    /** Whether a connection is still open (the monitor has not hung up). */
    public int openConnections() {
        return open.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
