package io.lockstep.fleet;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.lockstep.time.Durations;

/**
 * The monitor's one HTTP client for agents, used by {@code fleet status} (and its scan),
 * {@code fleet fire} and the dashboard's firing watcher: every request has an overall deadline
 * (connecting, headers and the whole body; an agent that trickles its answer is cut off) and a
 * size limit on the answer (an agent that floods is hung up on after that many bytes, which are
 * all the monitor ever holds), and every failure (refused, silent, too slow, too large, not HTTP,
 * garbled, another version) becomes a one-line reason instead of an exception. Uses the JDK's
 * HTTP client. Thread-safe.
 */
public final class AgentClient {

    /** Largest acknowledgement or refusal of a trigger read; a real one is a few hundred bytes. */
    public static final int MAX_ACK_BYTES = 16 * 1024;
    /** Largest trigger list ({@code GET /api/triggers}) read: 256 summaries of about 300 bytes, with room. */
    public static final int MAX_LIST_BYTES = 256 * 1024;
    /** Largest trigger report read: up to 1,000 firings of about 300 bytes each, with room. */
    public static final int MAX_REPORT_BYTES = 1024 * 1024;

    /** The outcome of one status request: a status, or why there is none. */
    public record Result(AgentStatus status, String error) {
        static Result failed(String error) {
            return new Result(null, error);
        }
    }

    /**
     * The outcome of one request: the answer's HTTP status and body (UTF-8), or why there is none.
     *
     * @param statusCode the HTTP status, or -1 with an error
     * @param body       the whole body, at most the limit asked for; null with an error
     * @param error      {@code unreachable: ...} (refused, no complete answer in time, too large), or null
     * @param tooLarge   whether the error is an answer over the limit
     */
    public record Answer(int statusCode, String body, String error, boolean tooLarge) {
        static Answer failed(String error, boolean tooLarge) {
            return new Answer(-1, null, error, tooLarge);
        }
    }

    /** Raised inside the client when an answer passes its limit. */
    private static final class TooLargeException extends IOException {
        TooLargeException(int maxBytes) {
            super("answer larger than " + maxBytes + " bytes");
        }
    }

    /** Cuts off requests at their deadline; one daemon thread shared by every client. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lockstep-agent-client-deadlines");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private final HttpClient http;
    private final long timeoutNanos;

    /** @param timeoutNanos how long one request may take, from connecting to the last byte of the answer */
    public AgentClient(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofNanos(timeoutNanos)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** How long one request may take. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Requests the status of the agent at {@code host:port}; the future never fails. */
    public CompletableFuture<Result> status(String host, int port) {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return get(authority, FleetApi.STATUS_PATH, AgentStatus.MAX_BYTES, timeoutNanos).thenApply(a -> {
            if (a.error() != null) {
                return Result.failed(a.tooLarge() ? "garbled status: more than " + AgentStatus.MAX_BYTES + " bytes"
                        : a.error());
            }
            if (a.statusCode() != 200) {
                return Result.failed("HTTP " + a.statusCode() + " from " + FleetApi.STATUS_PATH
                        + " (not a lockstep agent?)");
            }
            try {
                AgentStatus s = AgentStatus.parse(a.body());
                String incompatible = FleetApi.incompatibility(s.apiVersion(), s.version());
                return incompatible == null ? new Result(s, null) : new Result(s, SafeText.printable(incompatible));
            } catch (AgentStatus.GarbledException e) {
                return Result.failed(e.getMessage());
            }
        });
    }

    /**
     * {@code GET http://AUTHORITY PATH}, reading at most {@code maxBytes} of the answer within
     * {@code timeoutNanos} in all; the future never fails.
     */
    public CompletableFuture<Answer> get(String authority, String path, int maxBytes, long timeoutNanos) {
        return send(authority, path, null, maxBytes, timeoutNanos);
    }

    /** {@code POST} of a JSON body, otherwise as {@link #get}. */
    public CompletableFuture<Answer> post(String authority, String path, String json, int maxBytes, long timeoutNanos) {
        return send(authority, path, Objects.requireNonNull(json, "json"), maxBytes, timeoutNanos);
    }

    private CompletableFuture<Answer> send(String authority, String path, String json, int maxBytes, long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return CompletableFuture.completedFuture(Answer.failed("unreachable: no time left to ask", false));
        }
        HttpRequest request;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + authority + path))
                    .timeout(Duration.ofNanos(timeoutNanos)).header("Accept", "application/json");
            request = json == null ? b.GET().build()
                    : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Answer.failed("unreachable: bad address " + SafeText.printable(
                    authority) + ": " + firstLine(String.valueOf(e.getMessage())), false));
        }
        AtomicReference<LimitedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = http.sendAsync(request, info -> {
                LimitedBody l = new LimitedBody(maxBytes);
                body.set(l);
                return l;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Answer.failed("unreachable: " + firstLine(String.valueOf(
                    e.getMessage())), false));
        }
        // The JDK's request timeout ends at the headers; this one covers the body too. Cancelling
        // aborts the exchange, and the body's own cancel hangs up on a trickle already flowing.
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            LimitedBody l = body.get();
            if (l != null) {
                l.abort();
            }
            sent.cancel(true);
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        return sent.handle((response, failure) -> {
            deadline.cancel(false);
            if (failure != null) {
                Throwable t = unwrap(failure);
                return Answer.failed(describe(t, timeoutNanos), t instanceof TooLargeException);
            }
            return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), null, false);
        });
    }

    /**
     * Collects a body of at most {@code maxBytes}; a longer one fails with {@link TooLargeException}
     * and its reading stops (the connection is dropped): a broken or hostile agent must not fill
     * the monitor's memory.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;

        LimitedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (body.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (bytes.size() + n > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLargeException(maxBytes));
                    return;
                }
                byte[] a = new byte[n];
                b.get(a);
                bytes.write(a, 0, n);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public synchronized void onComplete() {
            body.complete(bytes.toByteArray());
        }

        /** The deadline passed: stop reading. */
        void abort() {
            if (body.completeExceptionally(new HttpTimeoutException("deadline"))) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t, long timeoutNanos) {
        if (t instanceof TooLargeException) {
            return "unreachable: " + t.getMessage() + " (hung up)";
        }
        if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException
                || t instanceof java.util.concurrent.CancellationException) {
            return "unreachable: no answer within " + Durations.formatCompact(timeoutNanos);
        }
        if (t instanceof ConnectException) {
            return "unreachable: connection refused";
        }
        if (t instanceof IOException) {
            String m = t.getMessage();
            return "unreachable: " + (m == null || m.isBlank() ? t.getClass().getSimpleName() : firstLine(m));
        }
        return "unreachable: " + firstLine(String.valueOf(t.getMessage()));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return SafeText.printable(nl < 0 ? s : s.substring(0, nl));
    }
}
