package io.lockstep.fleet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Follows one Companion phone's {@code /api/status} WebSocket, where the app pushes a component
 * whenever one changes, and keeps the last {@code Event} component it pushed (an event any tool
 * posted into the running recording) with the monitor's monotonic time of its arrival. Reconnects
 * every {@value #RETRY_SECONDS} s while the phone cannot be reached or does not upgrade (an app or
 * stand-in without the WebSocket); a message longer than {@value #MAX_MESSAGE_CHARS} characters is
 * dropped. Thread-safe.
 */
final class PhoneEvents implements AutoCloseable {

    /** Seconds between two connection attempts. */
    static final int RETRY_SECONDS = 5;

    /** The longest pushed message read; a status is a few kilobytes. */
    static final int MAX_MESSAGE_CHARS = 256 * 1024;

    /** The last event pushed, with the monitor's {@link System#nanoTime()} when it arrived. */
    record Last(String name, long arrivedMonoNanos) {
    }

    private final HttpClient http;
    private final URI uri;
    private volatile Last last;
    private volatile boolean closed;
    private volatile long nextAttemptMonoNanos;
    private WebSocket socket;
    private boolean connecting;

    PhoneEvents(HttpClient http, String host, int port) {
        this.http = http;
        this.uri = URI.create("ws://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/api/status");
    }

    /** The last event the phone pushed, or null; connects first if not connected (without waiting). */
    Last last() {
        ensureConnected();
        return last;
    }

    private synchronized void ensureConnected() {
        if (closed || socket != null || connecting || System.nanoTime() - nextAttemptMonoNanos < 0) {
            return;
        }
        connecting = true;
        nextAttemptMonoNanos = System.nanoTime() + RETRY_SECONDS * 1_000_000_000L;
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(RETRY_SECONDS)).buildAsync(uri, new Listener())
                .whenComplete((ws, failure) -> {
                    synchronized (PhoneEvents.this) {
                        connecting = false;
                        if (ws != null && closed) {
                            ws.abort();
                        } else if (ws != null) {
                            socket = ws;
                        }
                    }
                });
    }

    private synchronized void lost(WebSocket ws) {
        if (socket == ws) {
            socket = null;
        }
    }

    /** Reads whole text messages; every other kind is ignored. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private boolean tooLong;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean lastPart) {
            if (!tooLong && text.length() + data.length() <= MAX_MESSAGE_CHARS) {
                text.append(data);
            } else {
                tooLong = true;
                text.setLength(0);
            }
            if (lastPart) {
                if (!tooLong) {
                    read(text.toString());
                }
                text.setLength(0);
                tooLong = false;
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            lost(ws);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            lost(ws);
        }
    }

    /** Keeps the name of the last {@code Event} component in a pushed message. */
    private void read(String message) {
        String name = io.lockstep.neon.PhoneStatus.eventNameIn(message);
        if (name != null) {
            last = new Last(name, System.nanoTime());
        }
    }

    @Override
    public void close() {
        WebSocket ws;
        synchronized (this) {
            closed = true;
            ws = socket;
            socket = null;
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
