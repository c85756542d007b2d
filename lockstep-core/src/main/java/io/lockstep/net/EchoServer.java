package io.lockstep.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

import io.lockstep.internal.echo.EchoCodec;
import io.lockstep.internal.echo.EchoSession;
import io.lockstep.time.TimeSource;

/**
 * A Time Echo server (the Pupil Labs Companion protocol over TCP), byte-exact with the
 * Companion app: for every 8-byte request it answers the same 8 bytes followed by its own wall
 * time in milliseconds. One selector thread serves every connection, so hundreds of concurrent
 * clients cost no threads; each connection's framing, buffering and timers live in an
 * {@link EchoSession}. Thread-safe: {@link #close()} and the counters may be used from any
 * thread.
 *
 * <p>Robustness, so that no client can lock others out: connections live in a fixed table of
 * {@link Options#maxConnections()} slots, at most {@link Options#maxConnectionsPerAddress()} of
 * them from one address. A newcomer is never refused: when its address is at its cap, that
 * address's most evictable connection is closed to make room; when the table is full, the most
 * evictable connection overall is (see {@link EchoSession#compareForEviction}: connections that
 * never sent a complete request go first, then the longest idle). Only a complete request
 * resets the idle timer ({@link Options#idleTimeoutNanos()}), and a started request must be
 * finished within {@link Options#frameDeadlineNanos()}, so a trickle of bytes keeps nothing
 * alive. A client that stops reading its replies is not read from until its backlog drains.
 * The protocol has no invalid request: any 8 bytes are echoed.
 */
public final class EchoServer implements Closeable {

    private static final System.Logger LOG = System.getLogger(EchoServer.class.getName());

    /**
     * Server limits.
     *
     * @param maxConnections           connections served at once
     * @param maxConnectionsPerAddress connections served at once from one client address
     * @param idleTimeoutNanos         a connection with no complete request for this long is closed
     * @param frameDeadlineNanos       a request whose first byte arrived this long ago and is still incomplete
     *                                 closes its connection
     */
    public record Options(int maxConnections, int maxConnectionsPerAddress, long idleTimeoutNanos,
                          long frameDeadlineNanos) {

        public Options {
            if (maxConnections < 1 || maxConnectionsPerAddress < 1 || idleTimeoutNanos <= 0 || frameDeadlineNanos <= 0) {
                throw new IllegalArgumentException("connection limits and timeouts must be positive: " + maxConnections
                        + " connections, " + maxConnectionsPerAddress + " per address, idle " + idleTimeoutNanos
                        + " ns, frame deadline " + frameDeadlineNanos + " ns");
            }
        }

        /** {@code maxConnections} and {@code idleTimeoutNanos}, the other limits at their defaults. */
        public Options(int maxConnections, long idleTimeoutNanos) {
            this(maxConnections, Math.min(maxConnections, 64), idleTimeoutNanos, 10_000_000_000L);
        }

        /** 1024 connections, 64 per address, 120 s idle timeout, 10 s to finish a started request. */
        public static Options defaults() {
            return new Options(1024, 120_000_000_000L);
        }
    }

    private final Options options;
    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLong exchanges = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final AtomicLong deadlineClosed = new AtomicLong();
    /** The connection table; slots are reused, never grown. Touched only by the selector thread. */
    private final Connection[] slots;
    private final java.util.function.LongSupplier serverMillis;
    private volatile int openConnections;
    private volatile boolean closed;

    private EchoServer(TimeSource clock, InetSocketAddress bind, Options options) throws IOException {
        this.options = options;
        this.slots = new Connection[options.maxConnections()];
        // Read the served clock per request, as late as possible before the reply is written.
        this.serverMillis = () -> EchoCodec.toMillis(clock.wallNanos());
        this.selector = Selector.open();
        ServerSocketChannel channel;
        try {
            channel = ServerSocketChannel.open();
        } catch (IOException e) {
            selector.close();
            throw e;
        }
        this.serverChannel = channel;
        try {
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(bind, 512);
            serverChannel.configureBlocking(false);
            serverChannel.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            serverChannel.close();
            selector.close();
            throw new IOException("cannot serve Time Echo on " + describe(bind) + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::loop, "lockstep-echo-server-" + port());
        thread.setDaemon(true);
    }

    /**
     * Starts a server answering with {@code clock}'s wall time.
     *
     * @param bind address and port to listen on; port 0 picks a free port (see {@link #port()})
     */
    public static EchoServer start(TimeSource clock, InetSocketAddress bind, Options options) throws IOException {
        EchoServer server = new EchoServer(clock, bind, options);
        server.thread.start();
        return server;
    }

    /** Starts a server with default options. */
    public static EchoServer start(TimeSource clock, InetSocketAddress bind) throws IOException {
        return start(clock, bind, Options.defaults());
    }

    /** The local address the server listens on. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) serverChannel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("server is closed", e);
        }
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return address().getPort();
    }

    /** Exchanges answered since start. */
    public long exchanges() {
        return exchanges.get();
    }

    /** Connections accepted and served since start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections closed to make room for a newcomer (table full, or its address at its cap). */
    public long evictedConnections() {
        return evicted.get();
    }

    /** Connections closed for going without a complete request for the idle timeout. */
    public long idleClosedConnections() {
        return idleClosed.get();
    }

    /** Connections closed for leaving a started request unfinished past the frame deadline. */
    public long frameDeadlineClosedConnections() {
        return deadlineClosed.get();
    }

    /** Connections open right now. */
    public int openConnections() {
        return openConnections;
    }

    /** Stops serving, closes every connection and waits for the server thread to end. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One slot of the table; touched only by the selector thread. */
    private static final class Connection {
        final int slot;
        final SelectionKey key;
        final InetAddress address;
        final EchoSession session;

        Connection(int slot, SelectionKey key, InetAddress address, EchoSession session) {
            this.slot = slot;
            this.key = key;
            this.address = address;
            this.session = session;
        }
    }

    private void loop() {
        long shortestLimitNanos = Math.min(options.idleTimeoutNanos(), options.frameDeadlineNanos());
        long checkEveryNanos = Math.max(10_000_000L, Math.min(1_000_000_000L, shortestLimitNanos / 4));
        // Timers run on this host's monotonic clock: the served clock may be simulated.
        long nextCheck = System.nanoTime() + checkEveryNanos;
        long acceptPausedUntil = 0;
        boolean acceptPaused = false;
        try {
            while (!closed) {
                selector.select(acceptPaused ? 20 : Math.max(1, checkEveryNanos / 1_000_000L));
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        try {
                            acceptAll();
                        } catch (IOException | RuntimeException e) {
                            // Usually out of file descriptors. The listening socket must survive:
                            // stop accepting for a moment, then try again.
                            LOG.log(System.Logger.Level.WARNING, "Time Echo server cannot accept connections"
                                    + " (pausing 100 ms): {0}", e.toString());
                            key.interestOps(0);
                            acceptPaused = true;
                            acceptPausedUntil = System.nanoTime() + 100_000_000L;
                        }
                        continue;
                    }
                    Connection c = (Connection) key.attachment();
                    long answeredBefore = c.session.requestsAnswered();
                    try {
                        if (key.isReadable() && c.session.readFrom((SocketChannel) key.channel(), System.nanoTime(),
                                serverMillis) < 0) {
                            drop(c);
                            continue;
                        }
                        flush(c);
                        exchanges.addAndGet(c.session.requestsAnswered() - answeredBefore);
                    } catch (IOException | RuntimeException e) {
                        // One broken client never takes the server down.
                        LOG.log(System.Logger.Level.DEBUG, "closing connection after error: {0}", e.toString());
                        drop(c);
                    }
                }
                long now = System.nanoTime();
                if (acceptPaused && now - acceptPausedUntil >= 0) {
                    serverChannel.keyFor(selector).interestOps(SelectionKey.OP_ACCEPT);
                    acceptPaused = false;
                }
                if (now - nextCheck >= 0) {
                    closeExpired(now);
                    nextCheck = now + checkEveryNanos;
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.ERROR, "Time Echo server stopped: {0}", e.toString());
            }
        } finally {
            shutdown();
        }
    }

    private void acceptAll() throws IOException {
        SocketChannel ch;
        while ((ch = serverChannel.accept()) != null) {
            InetAddress address;
            SelectionKey key;
            try {
                address = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                // Gone before we got to it.
                ch.close();
                continue;
            }
            int slot = makeRoomFor(address);
            try {
                key = ch.register(selector, SelectionKey.OP_READ);
            } catch (IOException e) {
                ch.close();
                continue;
            }
            Connection c = new Connection(slot, key, address, new EchoSession(System.nanoTime()));
            key.attach(c);
            slots[slot] = c;
            openConnections++;
            accepted.incrementAndGet();
        }
    }

    /**
     * Frees a slot for a connection from {@code address} and returns it: evicts that address's
     * most evictable connection if the address is at its cap, else the table's most evictable
     * one if the table is full. One pass over the fixed table.
     */
    private int makeRoomFor(InetAddress address) {
        int free = -1;
        int fromAddress = 0;
        Connection worstOverall = null;
        Connection worstOfAddress = null;
        for (int i = slots.length - 1; i >= 0; i--) {
            Connection c = slots[i];
            if (c == null) {
                free = i;
                continue;
            }
            if (worstOverall == null || EchoSession.compareForEviction(c.session, worstOverall.session) < 0) {
                worstOverall = c;
            }
            if (c.address.equals(address)) {
                fromAddress++;
                if (worstOfAddress == null || EchoSession.compareForEviction(c.session, worstOfAddress.session) < 0) {
                    worstOfAddress = c;
                }
            }
        }
        Connection victim = fromAddress >= options.maxConnectionsPerAddress() ? worstOfAddress
                : free < 0 ? worstOverall : null;
        if (victim == null) {
            return free;
        }
        evicted.incrementAndGet();
        drop(victim);
        return victim.slot;
    }

    private void flush(Connection c) throws IOException {
        SelectionKey key = c.key;
        c.session.writeTo((SocketChannel) key.channel(), System.nanoTime(), serverMillis);
        int ops = (c.session.wantsWrite() ? SelectionKey.OP_WRITE : 0)
                // Back-pressure: stop reading while this client's replies pile up unread.
                | (c.session.wantsRead() ? SelectionKey.OP_READ : 0);
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private void closeExpired(long nowMonoNanos) {
        for (Connection c : slots) {
            if (c == null) {
                continue;
            }
            switch (c.session.expiry(nowMonoNanos, options.idleTimeoutNanos(), options.frameDeadlineNanos())) {
                case IDLE -> {
                    idleClosed.incrementAndGet();
                    drop(c);
                }
                case FRAME_DEADLINE -> {
                    deadlineClosed.incrementAndGet();
                    drop(c);
                }
                case NONE -> {
                }
            }
        }
    }

    private void drop(Connection c) {
        c.key.cancel();
        try {
            c.key.channel().close();
        } catch (IOException ignored) {
            // Already broken; nothing more to release.
        }
        if (slots[c.slot] == c) {
            slots[c.slot] = null;
            openConnections--;
        }
    }

    private void shutdown() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // Closing everything regardless.
            }
        }
        openConnections = 0;
        try {
            selector.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        try {
            serverChannel.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    static String describe(InetSocketAddress a) {
        return io.lockstep.net.Addresses.format(a);
    }
}
