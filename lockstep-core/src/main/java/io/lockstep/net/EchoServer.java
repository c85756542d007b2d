package io.lockstep.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

import io.lockstep.echo.EchoCodec;
import io.lockstep.time.TimeSource;

/**
 * A Time Echo server (the Pupil Labs Companion protocol over TCP), byte-exact with the
 * Companion app: for every 8-byte request it answers the same 8 bytes followed by its own wall
 * time in milliseconds. One selector thread serves every connection, so hundreds of concurrent
 * clients cost no threads; partial reads and writes are buffered per connection. Thread-safe:
 * {@link #close()} and the counters may be used from any thread.
 *
 * <p>Robustness: connections beyond {@link Options#maxConnections()} are accepted and closed at
 * once; connections silent for {@link Options#idleTimeoutNanos()} are closed; a client that
 * stops reading its replies is not read from until its backlog drains (so it cannot make the
 * server buffer without bound). The protocol has no invalid request: any 8 bytes are echoed.
 */
public final class EchoServer implements Closeable {

    private static final System.Logger LOG = System.getLogger(EchoServer.class.getName());
    /** Replies buffered for one connection before the server stops reading from it. */
    private static final int MAX_PENDING_REPLY_BYTES = 64 * EchoCodec.REPLY_BYTES;

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

        /** {@code maxConnections} and {@code idleTimeoutNanos}, the other limits at their defaults. */
        public Options(int maxConnections, long idleTimeoutNanos) {
            this(maxConnections, Math.min(maxConnections, 64), idleTimeoutNanos, 10_000_000_000L);
        }

        /** 1024 connections, 64 per address, 120 s idle timeout, 10 s to finish a started request. */
        public static Options defaults() {
            return new Options(1024, 120_000_000_000L);
        }
    }

    private final TimeSource clock;
    private final Options options;
    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLong exchanges = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final long[] scratch = new long[1];
    private volatile int openConnections;
    private volatile boolean closed;

    private EchoServer(TimeSource clock, InetSocketAddress bind, Options options) throws IOException {
        this.clock = clock;
        this.options = options;
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

    /** Connections closed at once because the connection cap was reached. */
    public long rejectedConnections() {
        return rejected.get();
    }

    /** Connections closed for being idle too long. */
    public long idleClosedConnections() {
        return idleClosed.get();
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

    /** Per-connection state; touched only by the selector thread. */
    private static final class Connection {
        final ByteBuffer in = ByteBuffer.allocate(512);
        final ByteBuffer out = ByteBuffer.allocate(MAX_PENDING_REPLY_BYTES + 512);
        long lastActiveMonoNanos;
    }

    private void loop() {
        long checkEveryNanos = Math.max(10_000_000L, Math.min(1_000_000_000L, options.idleTimeoutNanos() / 4));
        // Idle checks run on this host's monotonic clock: the served clock may be simulated.
        long nextIdleCheck = System.nanoTime() + checkEveryNanos;
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
                    try {
                        if (key.isReadable()) {
                            read(key);
                        }
                        if (key.isValid() && key.isWritable()) {
                            flush(key);
                        }
                    } catch (IOException | RuntimeException e) {
                        // One broken client never takes the server down.
                        LOG.log(System.Logger.Level.DEBUG, "closing connection after error: {0}", e.toString());
                        drop(key);
                    }
                }
                long now = System.nanoTime();
                if (acceptPaused && now - acceptPausedUntil >= 0) {
                    serverChannel.keyFor(selector).interestOps(SelectionKey.OP_ACCEPT);
                    acceptPaused = false;
                }
                if (now - nextIdleCheck >= 0) {
                    closeIdle(now);
                    nextIdleCheck = now + checkEveryNanos;
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
            if (openConnections >= options.maxConnections()) {
                rejected.incrementAndGet();
                ch.close();
                continue;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection c = new Connection();
                c.lastActiveMonoNanos = System.nanoTime();
                ch.register(selector, SelectionKey.OP_READ, c);
                openConnections++;
                accepted.incrementAndGet();
            } catch (IOException e) {
                ch.close();
            }
        }
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        Connection c = (Connection) key.attachment();
        int n = ch.read(c.in);
        if (n < 0) {
            drop(key);
            return;
        }
        c.lastActiveMonoNanos = System.nanoTime();
        flush(key);
    }

    /** Answers every whole request buffered for {@code c}, as far as its reply buffer has room. */
    private void answer(Connection c) {
        c.in.flip();
        while (c.out.remaining() >= EchoCodec.REPLY_BYTES && EchoCodec.readRequest(c.in, scratch)) {
            // Read the clock per request, as late as possible before the reply is written.
            long serverMillis = EchoCodec.toMillis(clock.wallNanos());
            EchoCodec.writeReply(c.out, scratch[0], serverMillis);
            exchanges.incrementAndGet();
        }
        c.in.compact();
    }

    private void flush(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        Connection c = (Connection) key.attachment();
        answer(c);
        c.out.flip();
        if (c.out.hasRemaining()) {
            ch.write(c.out);
        }
        c.out.compact();
        boolean pending = c.out.position() > 0;
        int ops = pending ? SelectionKey.OP_WRITE : 0;
        // Back-pressure: stop reading while this client's replies pile up unread.
        if (c.out.position() <= MAX_PENDING_REPLY_BYTES - EchoCodec.REPLY_BYTES) {
            ops |= SelectionKey.OP_READ;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private void closeIdle(long nowMonoNanos) {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c
                    && nowMonoNanos - c.lastActiveMonoNanos > options.idleTimeoutNanos()) {
                idleClosed.incrementAndGet();
                drop(key);
            }
        }
    }

    private void drop(SelectionKey key) {
        boolean wasConnection = key.attachment() instanceof Connection;
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // Already broken; nothing more to release.
        }
        if (wasConnection) {
            key.attach(null);
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
        return io.lockstep.internal.Addresses.format(a);
    }
}
