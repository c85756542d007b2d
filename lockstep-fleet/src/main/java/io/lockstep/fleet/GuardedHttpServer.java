package io.lockstep.fleet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * A small HTTP/1.1 server for the agent and the dashboard that no client can exhaust: it caps
 * connections in total and per client address at accept (before a byte is read), gives each
 * connection a thread of its own so a slow client holds only its own, closes a connection whose
 * whole request has not arrived by the request deadline or whose answer has not left by the
 * response deadline (for an event stream: each write), and closes every connection when its one
 * exchange ends, on every path. Handlers see the JDK's {@link HttpExchange}, so the ones written
 * for {@code com.sun.net.httpserver} run unchanged; unlike that server, this one reads the
 * request (headers and body, bounded) before the handler runs, answers one request per
 * connection ({@code Connection: close}) and refuses chunked request bodies (411). Requests for
 * a path go to the handler of the longest matching prefix, as in the JDK's server. Thread-safe.
 */
public final class GuardedHttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GuardedHttpServer.class.getName());
    /** How often the deadline sweeper looks; deadlines are kept to within this. */
    private static final long SWEEP_MILLIS = 100;
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Content-Length: 39\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
            + "{\"error\":\"too many connections, retry\"}").getBytes(StandardCharsets.US_ASCII);

    private final HttpLimits limits;
    private final String name;
    private final ServerSocket listener;
    private final ThreadPoolExecutor workers;
    private final Map<String, HttpHandler> contexts = new ConcurrentSkipListMap<>();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deadlineClosures = new AtomicLong();
    private final Thread acceptor;
    private final Thread sweeper;
    private volatile boolean closed;

    private GuardedHttpServer(String name, ServerSocket listener, HttpLimits limits) {
        this.name = name;
        this.listener = listener;
        this.limits = limits;
        AtomicInteger n = new AtomicInteger();
        // A thread per connection, an idle one reused before another is made (a monitor polling
        // once a second keeps one thread, not one per poll), each ending after 30 s idle. The caps
        // admit at most maxConnections at once; the margin covers threads that have closed their
        // connection but are not yet back in the pool.
        this.workers = new ThreadPoolExecutor(0, limits.maxConnections() + 8, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, name + "-http-" + n.incrementAndGet()));
        this.acceptor = daemon(this::acceptLoop, name + "-http-accept");
        this.sweeper = daemon(this::sweepLoop, name + "-http-deadlines");
    }

    /**
     * Binds {@code address} (port 0 picks one); add contexts, then {@link #start}. Until then
     * connections wait in the listen backlog.
     *
     * @param name prefix of the server's thread names
     */
    public static GuardedHttpServer bind(String name, InetSocketAddress address, HttpLimits limits)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(address, 64);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new GuardedHttpServer(name, listener, limits);
    }

    /** Starts accepting connections. */
    public void start() {
        acceptor.start();
        sweeper.start();
    }

    /** Routes requests whose path starts with {@code path} (the longest such prefix wins) to {@code handler}. */
    public void createContext(String path, HttpHandler handler) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a context path starts with /: " + path);
        }
        contexts.put(path, handler);
    }

    /** Where the server listens (with the port chosen when 0 was asked). */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** The limits in force. */
    public HttpLimits limits() {
        return limits;
    }

    /** Connections open right now. */
    public int openConnections() {
        return open.size();
    }

    /** Connections refused at accept because of a cap, since start. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Connections closed because a deadline passed, since start. */
    public long deadlineClosures() {
        return deadlineClosures.get();
    }

    /** Stops accepting, closes every connection, ends the threads. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener: " + e);
        }
        for (Connection c : open) {
            c.close();
        }
        workers.shutdownNow();
        sweeper.interrupt();
        // Every socket is closed, so each thread ends within moments; waited for, so none outlives close().
        try {
            acceptor.join(5_000);
            sweeper.join(5_000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed: " + e);
                    pause();
                }
                continue;
            }
            InetAddress client = s.getInetAddress();
            if (!admit(client)) {
                refused.incrementAndGet();
                refuse(s);
                continue;
            }
            Connection c = new Connection(s, client);
            open.add(c);
            try {
                workers.execute(c);
            } catch (RuntimeException e) {
                // Shutting down, or every thread still busy finishing: refused like an over-cap client.
                refused.incrementAndGet();
                c.release();
                refuse(s);
            }
        }
    }

    private synchronized boolean admit(InetAddress client) {
        int mine = perAddress.getOrDefault(client, 0);
        int total = 0;
        for (int n : perAddress.values()) {
            total += n;
        }
        if (total >= limits.maxConnections() || mine >= limits.maxConnectionsPerAddress()) {
            return false;
        }
        perAddress.put(client, mine + 1);
        return true;
    }

    private synchronized void released(InetAddress client) {
        Integer mine = perAddress.get(client);
        if (mine == null || mine <= 1) {
            perAddress.remove(client);
        } else {
            perAddress.put(client, mine - 1);
        }
    }

    private static void refuse(Socket s) {
        try (s) {
            // A fresh socket's send buffer takes these few bytes at once, so this never blocks the acceptor.
            s.setSoLinger(true, 0);
            s.getOutputStream().write(BUSY);
        } catch (IOException ignored) {
            // The client is gone already; nothing to tell it.
        }
    }

    private void sweepLoop() {
        while (!closed) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : open) {
                long d = c.deadlineMonoNanos;
                if (d != NO_DEADLINE && now - d >= 0) {
                    deadlineClosures.incrementAndGet();
                    LOG.log(System.Logger.Level.DEBUG, "closing " + c.client + ": " + c.phase + " deadline passed");
                    c.close();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private HttpHandler handlerFor(String path) {
        HttpHandler best = null;
        int bestLength = -1;
        for (Map.Entry<String, HttpHandler> e : contexts.entrySet()) {
            if (path.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        return best;
    }

    /** One accepted connection: one request, one answer, then closed. */
    private final class Connection implements Runnable {
        final Socket socket;
        final InetAddress client;
        volatile long deadlineMonoNanos;
        volatile String phase = "request";
        private boolean released;

        Connection(Socket socket, InetAddress client) {
            this.socket = socket;
            this.client = client;
            this.deadlineMonoNanos = System.nanoTime() + limits.requestDeadlineNanos();
        }

        @Override
        public void run() {
            try {
                serve();
            } catch (IOException e) {
                // The client left, or a deadline closed the socket: the end of this connection either way.
                LOG.log(System.Logger.Level.DEBUG, "connection from " + client + " ended: " + e);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "connection from " + client + " failed: " + e);
            } finally {
                close();
                release();
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do; a failure to close leaves nothing to undo.
            }
        }

        synchronized void release() {
            if (!released) {
                released = true;
                open.remove(this);
                released(client);
            }
        }

        private void serve() throws IOException {
            // Buffered so headers are not read a byte per system call; small, as there may be many connections.
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            Exchange ex;
            try {
                ex = read(in, out);
            } catch (HttpRequestHead.BadRequest e) {
                startResponse();
                writeError(out, e.status(), e.getMessage());
                return;
            }
            startResponse();
            HttpHandler handler = handlerFor(ex.uri.getRawPath() == null ? "/" : ex.uri.getRawPath());
            if (handler == null) {
                ex.sendError(404, "no such resource");
            } else {
                try {
                    handler.handle(ex);
                } catch (IOException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "handler for " + ex.uri + " failed: " + e);
                    if (!ex.headersSent) {
                        ex.sendError(500, "internal error");
                    }
                }
            }
            if (!ex.headersSent) {
                ex.sendError(500, "the handler gave no answer");
            }
            ex.finish();
        }

        private void startResponse() {
            phase = "response";
            deadlineMonoNanos = System.nanoTime() + limits.responseDeadlineNanos();
        }

        private Exchange read(InputStream in, OutputStream out) throws IOException, HttpRequestHead.BadRequest {
            HttpRequestHead head = HttpRequestHead.read(in, limits);
            if (head.expectsContinue()) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            int length = head.contentLength();
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("the client closed before sending its body");
            }
            return new Exchange(this, head.method(), head.uri(), head.protocol(), head.headers(), body, out);
        }

        private void writeError(OutputStream out, int status, String reason) throws IOException {
            byte[] body = JsonText.write(Map.of("error", reason)).concat("\n").getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\nContent-Type: application/json; "
                    + "charset=utf-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /**
     * One request and its answer, seen by a handler as the JDK's exchange. The answer is
     * delimited by its length, or (length 0, an open-ended stream) by closing the connection.
     */
    private final class Exchange extends HttpExchange {
        private final Connection connection;
        private final String method;
        private final URI uri;
        private final String protocol;
        private final Headers requestHeaders;
        private final Headers responseHeaders = new Headers();
        private final Map<String, Object> attributes = new HashMap<>();
        private InputStream requestBody;
        private OutputStream raw;
        private OutputStream responseBody;
        private boolean headersSent;
        private boolean stream;
        private int responseCode = -1;

        Exchange(Connection connection, String method, URI uri, String protocol, Headers requestHeaders, byte[] body,
                 OutputStream raw) {
            this.connection = connection;
            this.method = method;
            this.uri = uri;
            this.protocol = protocol;
            this.requestHeaders = requestHeaders;
            this.requestBody = new ByteArrayInputStream(body);
            this.raw = raw;
            this.responseBody = new ResponseBody();
        }

        void sendError(int status, String reason) throws IOException {
            byte[] body = (JsonText.write(Map.of("error", reason)) + "\n").getBytes(StandardCharsets.UTF_8);
            responseHeaders.set("Content-Type", "application/json; charset=utf-8");
            sendResponseHeaders(status, body.length);
            responseBody.write(body);
        }

        void finish() throws IOException {
            if (!connection.socket.isClosed()) {
                raw.flush();
            }
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return method;
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
            try {
                raw.flush();
            } catch (IOException ignored) {
                // The client left; the connection is closed next either way.
            }
            connection.close();
        }

        @Override
        public InputStream getRequestBody() {
            return requestBody;
        }

        @Override
        public OutputStream getResponseBody() {
            return responseBody;
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
            if (headersSent) {
                throw new IOException("the response headers were already sent");
            }
            headersSent = true;
            responseCode = rCode;
            boolean noBody = responseLength < 0 || "HEAD".equals(method) || rCode == 204 || rCode == 304;
            StringBuilder head = new StringBuilder(256);
            head.append("HTTP/1.1 ").append(rCode).append(' ').append(reasonPhrase(rCode)).append("\r\n");
            for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
                String key = e.getKey();
                if (key.equalsIgnoreCase("Connection") || key.equalsIgnoreCase("Content-Length")
                        || key.equalsIgnoreCase("Transfer-Encoding")) {
                    continue;
                }
                for (String v : e.getValue()) {
                    // A value with a line break would let a handler's caller forge headers.
                    head.append(key).append(": ").append(v.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
                }
            }
            if (responseLength > 0 && !noBody) {
                head.append("Content-Length: ").append(responseLength).append("\r\n");
            } else if (responseLength < 0 || noBody) {
                head.append("Content-Length: 0\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            String type = responseHeaders.getFirst("Content-Type");
            stream = responseLength == 0 && !noBody && type != null
                    && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
            if (stream) {
                // An event stream is open-ended: each write gets the response deadline instead.
                connection.phase = "stream write";
                connection.deadlineMonoNanos = NO_DEADLINE;
            }
            if (noBody) {
                responseBody = OutputStream.nullOutputStream();
            }
            guarded(() -> {
                raw.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (stream) {
                    raw.flush();
                }
            });
        }

        private void guarded(IoAction a) throws IOException {
            if (stream) {
                connection.deadlineMonoNanos = System.nanoTime() + limits.responseDeadlineNanos();
                try {
                    a.run();
                } finally {
                    connection.deadlineMonoNanos = NO_DEADLINE;
                }
            } else {
                a.run();
            }
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return (InetSocketAddress) connection.socket.getRemoteSocketAddress();
        }

        @Override
        public int getResponseCode() {
            return responseCode;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return (InetSocketAddress) connection.socket.getLocalSocketAddress();
        }

        @Override
        public String getProtocol() {
            return protocol;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
            if (i != null) {
                requestBody = i;
            }
            if (o != null) {
                responseBody = o;
            }
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }

        /** The body as the handler writes it: nothing reaches the client before the headers. */
        private final class ResponseBody extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!headersSent) {
                    throw new IOException("the response headers must be sent first");
                }
                guarded(() -> raw.write(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                guarded(raw::flush);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

}
