package io.lockstep.fleet.dashboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.net.httpserver.HttpExchange;

/**
 * A server-sent events ({@code text/event-stream}) broadcaster: the newest published event goes
 * to every connected client. Each client is served on the HTTP server's handler thread that
 * accepted it, which loops until the client goes away or the stream is closed; so a client that
 * stops reading blocks only its own thread, and a slow client skips to the newest event instead
 * of queueing old ones (a live view wants the present). A client that disconnects is noticed at
 * the next write, which a heartbeat comment forces every few seconds even when nothing is
 * published; its thread then returns to the pool. The number of clients is capped so they cannot
 * take every handler thread. Thread-safe.
 */
public final class EventStream implements AutoCloseable {

    private final int maxClients;
    private final long heartbeatNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long sequence;
    private String latestData;
    private int clients;
    private boolean closed;

    /**
     * @param maxClients     connected clients beyond this are answered 503
     * @param heartbeatNanos how often an idle stream writes a comment line, which is how a
     *                       disconnected client is found when nothing else is sent
     */
    public EventStream(int maxClients, long heartbeatNanos) {
        if (maxClients < 1 || heartbeatNanos <= 0) {
            throw new IllegalArgumentException("maxClients must be >= 1 and heartbeat > 0");
        }
        this.maxClients = maxClients;
        this.heartbeatNanos = heartbeatNanos;
    }

    /** Sends {@code data} (one line of JSON; it must not contain a line break) to every client. */
    public void publish(String data) {
        if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an event's data must be one line");
        }
        lock.lock();
        try {
            latestData = data;
            sequence++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Clients currently connected. */
    public int clients() {
        lock.lock();
        try {
            return clients;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Serves one client on the calling (handler) thread until it disconnects or the stream is
     * closed, then closes the exchange. A newly connected client gets the newest event at once.
     */
    public void serve(HttpExchange exchange) throws IOException {
        lock.lock();
        boolean admitted = !closed && clients < maxClients;
        if (admitted) {
            clients++;
        }
        lock.unlock();
        if (!admitted) {
            byte[] body = "{\"error\":\"too many event-stream clients\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            // A page retries on its own; closing keeps the refused connection from holding a slot.
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            // Tells EventSource how long to wait before reconnecting after the monitor restarts.
            send(body, "retry: 2000\n\n");
            long seen = 0;
            while (true) {
                String data;
                lock.lock();
                try {
                    long waitNanos = heartbeatNanos;
                    while (!closed && sequence == seen && waitNanos > 0) {
                        waitNanos = changed.awaitNanos(waitNanos);
                    }
                    if (closed) {
                        return;
                    }
                    data = sequence == seen ? null : latestData;
                    seen = sequence;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    lock.unlock();
                }
                send(body, data == null ? ": heartbeat\n\n" : "data: " + data + "\n\n");
            }
        } catch (IOException e) {
            // The client went away (broken pipe, reset): the normal end of a stream.
        } finally {
            lock.lock();
            try {
                clients--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            exchange.close();
        }
    }

    /**
     * Waits until at most {@code count} clients are connected, for shutdown and tests.
     *
     * @return whether that happened within the timeout
     */
    public boolean awaitClientsAtMost(int count, long timeout, TimeUnit unit) throws InterruptedException {
        long waitNanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (clients > count) {
                if (waitNanos <= 0) {
                    return false;
                }
                waitNanos = changed.awaitNanos(waitNanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every client's stream; their handler threads return. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void send(OutputStream body, String text) throws IOException {
        body.write(text.getBytes(StandardCharsets.UTF_8));
        body.flush();
    }
}
