package io.lockstep.sim;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP or TCP proxy on real sockets that impairs traffic with a {@link LinkModel}: each
 * datagram (UDP) or each chunk read (TCP) is delayed by a one-way delay drawn from the model,
 * requests and replies from their own directions, and lost with the model's probability.
 * Behind {@code lockstep impair}, for trying a rig under bad network conditions.
 *
 * <p>UDP datagrams are delivered independently, so jitter may reorder them, as on a real
 * network. TCP cannot lose bytes: a "lost" chunk is delivered after a retransmission timeout
 * ({@value #TCP_RETRANSMIT_NANOS} ns, Linux's minimum RTO) on top of its delay, and chunks keep
 * their order, so later chunks queue behind it (head-of-line blocking, as in real TCP).
 *
 * <p>Thread-safe; it runs its own threads (one receiver per socket, one scheduler for UDP,
 * a reader and a writer per direction of each TCP connection) until {@link #close()}. UDP
 * sessions (one upstream socket per client address) last until the proxy closes, at most
 * {@value #MAX_UDP_SESSIONS} of them; TCP connections are released when both directions end.
 */
public final class ImpairProxy implements Closeable {

    /** Extra delay of a TCP chunk the model says was lost (the minimum retransmission timeout). */
    public static final long TCP_RETRANSMIT_NANOS = 200_000_000L;

    /** Most client addresses a UDP proxy keeps an upstream socket for. */
    public static final int MAX_UDP_SESSIONS = 1024;

    private final SimLink link;
    private final long originNanos = System.nanoTime();
    private final InetSocketAddress target;
    private final List<Closeable> resources = new CopyOnWriteArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final InetSocketAddress localAddress;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    private ImpairProxy(InetSocketAddress listen, InetSocketAddress target, LinkModel model, long seed, boolean udp)
            throws IOException {
        this.link = new SimLink(model, seed);
        this.target = target;
        if (udp) {
            DatagramSocket socket = new DatagramSocket(listen);
            resources.add(socket);
            localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
            scheduler = Executors.newSingleThreadScheduledExecutor(daemon("impair-udp-scheduler"));
            start("impair-udp-listen", () -> udpListen(socket));
        } else {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(listen);
            resources.add(server);
            localAddress = (InetSocketAddress) server.getLocalSocketAddress();
            scheduler = null;
            start("impair-tcp-accept", () -> tcpAccept(server));
        }
    }

    /** Starts a UDP proxy listening on {@code listen} (port 0 picks one) and forwarding to {@code target}. */
    public static ImpairProxy udp(InetSocketAddress listen, InetSocketAddress target, LinkModel model, long seed)
            throws IOException {
        return new ImpairProxy(listen, target, model, seed, true);
    }

    /** Starts a TCP proxy listening on {@code listen} (port 0 picks one) and forwarding to {@code target}. */
    public static ImpairProxy tcp(InetSocketAddress listen, InetSocketAddress target, LinkModel model, long seed)
            throws IOException {
        return new ImpairProxy(listen, target, model, seed, false);
    }

    /** The address the proxy listens on. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Datagrams or chunks delivered so far. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Datagrams dropped (UDP) or chunks delayed by a retransmission (TCP) so far. */
    public long lost() {
        return lost.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing to stop threads; nothing useful to do with a failure here.
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private OptionalLong delay(boolean request) {
        synchronized (link) {
            return link.delayNanos(request, System.nanoTime() - originNanos);
        }
    }

    // ---- UDP ----

    private void udpListen(DatagramSocket socket) {
        Map<SocketAddress, DatagramSocket> sessions = new ConcurrentHashMap<>();
        byte[] buf = new byte[65_536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                SocketAddress client = p.getSocketAddress();
                DatagramSocket upstream = sessions.get(client);
                if (upstream == null) {
                    if (sessions.size() >= MAX_UDP_SESSIONS) {
                        lost.incrementAndGet();
                        continue;
                    }
                    DatagramSocket fresh = new DatagramSocket();
                    fresh.connect(target);
                    resources.add(fresh);
                    sessions.put(client, fresh);
                    upstream = fresh;
                    DatagramSocket session = fresh;
                    start("impair-udp-session", () -> udpReplies(session, socket, client));
                }
                byte[] data = Arrays.copyOf(p.getData(), p.getLength());
                DatagramSocket out = upstream;
                scheduleDatagram(true, () -> out.send(new DatagramPacket(data, data.length)));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void udpReplies(DatagramSocket upstream, DatagramSocket listen, SocketAddress client) {
        byte[] buf = new byte[65_536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                upstream.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] data = Arrays.copyOf(p.getData(), p.getLength());
            scheduleDatagram(false, () -> listen.send(new DatagramPacket(data, data.length, client)));
        }
    }

    private interface Send {
        void send() throws IOException;
    }

    private void scheduleDatagram(boolean request, Send send) {
        OptionalLong d = delay(request);
        if (d.isEmpty()) {
            lost.incrementAndGet();
            return;
        }
        try {
            scheduler.schedule(() -> {
                try {
                    send.send();
                    forwarded.incrementAndGet();
                } catch (IOException e) {
                    // The peer vanished; a datagram network would drop it too.
                    lost.incrementAndGet();
                }
            }, d.getAsLong(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing.
        }
    }

    // ---- TCP ----

    private record Chunk(byte[] data, long dueNanos) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private void tcpAccept(ServerSocket server) {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            resources.add(client);
            Socket upstream = new Socket();
            resources.add(upstream);
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
                AtomicLong openDirections = new AtomicLong(2);
                Runnable directionDone = () -> {
                    if (openDirections.decrementAndGet() == 0) {
                        closeConnection(client, upstream);
                    }
                };
                pipe(client, upstream, true, directionDone);
                pipe(upstream, client, false, directionDone);
            } catch (IOException e) {
                closeConnection(client, upstream);
            }
        }
    }

    private void closeConnection(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        resources.remove(a);
        resources.remove(b);
    }

    private void pipe(Socket from, Socket to, boolean request, Runnable done) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        start("impair-tcp-read", () -> {
            byte[] buf = new byte[16_384];
            long lastDue = 0;
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    OptionalLong d = delay(request);
                    long delayNanos = d.isPresent() ? d.getAsLong() : link.model().baseDelayNanos() + TCP_RETRANSMIT_NANOS;
                    if (d.isEmpty()) {
                        lost.incrementAndGet();
                    }
                    // Bytes keep their order: a chunk cannot overtake the one before it.
                    long due = Math.max(lastDue, System.nanoTime() + delayNanos);
                    lastDue = due;
                    queue.add(new Chunk(Arrays.copyOf(buf, n), due));
                }
            } catch (IOException e) {
                // Connection closed or reset; pass the end on.
            }
            queue.add(END);
        });
        start("impair-tcp-write", () -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    if (c == END) {
                        to.shutdownOutput();
                        done.run();
                        return;
                    }
                    long wait;
                    while ((wait = c.dueNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(c.data());
                    out.flush();
                    forwarded.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                closeConnection(from, to);
            }
        });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already broken.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void start(String name, Runnable r) {
        daemon(name).newThread(r).start();
    }
}
