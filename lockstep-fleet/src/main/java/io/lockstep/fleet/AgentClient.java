package io.lockstep.fleet;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The monitor's one client of the agent API, used by {@code fleet status} (and its scan),
 * {@code fleet fire} and the dashboard's firing watcher: it speaks every endpoint the monitor
 * reads ({@link #status}, {@link #trigger}, {@link #report}, {@link #triggers}) and is the one
 * home of their limits: every request has an overall deadline (connecting, headers and the whole
 * body; an agent that trickles its answer is cut off) and a size limit on the answer (an agent
 * that floods is hung up on after that many bytes, which are all the monitor ever holds), every
 * answer is read by its one parser ({@link AgentStatus#parse}, {@link TriggerReport#parse},
 * {@link TriggerSummary#parseList}), and every failure (refused, silent, too slow, too large, not
 * HTTP, garbled, another version) becomes a one-line reason instead of an exception. Uses the
 * JDK's HTTP client. Thread-safe.
 */
public final class AgentClient {

    /** Largest status document read; a real one is a few hundred bytes. */
    public static final int MAX_STATUS_BYTES = 16 * 1024;
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
     * The outcome of one request: the answer's HTTP status and body (UTF-8), or why there is none;
     * the typed requests turn it into what the endpoint means.
     *
     * @param statusCode the HTTP status, or -1 with an error
     * @param body       the whole body, at most the limit asked for; null with an error
     * @param error      {@code unreachable: ...} (refused, no complete answer in time, too large), or null
     * @param tooLarge   whether the error is an answer over the limit
     */
    record Answer(int statusCode, String body, String error, boolean tooLarge) {
        static Answer failed(String error, boolean tooLarge) {
            return new Answer(-1, null, error, tooLarge);
        }
    }

    /**
     * An agent's answer to a trigger.
     *
     * @param state               {@link FiringState#SCHEDULED} (accepted), {@code REFUSED}, {@code FAILED}
     *                            (an answer that is not one) or {@code UNREACHABLE}
     * @param predictedBoundNanos the bound the agent predicted at the first instant, when accepted
     * @param reason              why not accepted, printable; null when accepted
     * @param refusalCode         the agent's refusal code ({@code replay}, ...), printable, or null
     */
    public record Ack(FiringState state, Long predictedBoundNanos, String reason, String refusalCode) {
        public Ack {
            reason = SafeText.printable(reason);
            refusalCode = SafeText.printable(refusalCode);
        }
    }

    /**
     * An agent's answer to {@code GET /api/triggers/ID}: its report, or why there is none.
     *
     * @param report   the report, or null with an error
     * @param error    {@code unreachable: ...}, {@code HTTP 404 ...} or {@code unreadable report: ...}; null with a report
     * @param tooLarge whether the error is an answer over {@link #MAX_REPORT_BYTES} (no use asking again)
     * @param waited   whether the agent held its answer for the wait asked (it knows {@code wait_ms});
     *                 false for an agent that predates it, whose answers come at once
     */
    public record ReportAnswer(TriggerReport report, String error, boolean tooLarge, boolean waited) {
    }

    /**
     * An agent's trigger list, {@code GET /api/triggers}.
     *
     * @param triggers its recent triggers, or null with an error
     * @param error    why there is no list, or null
     */
    public record ListAnswer(List<TriggerSummary> triggers, String error) {
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
        return send(authority, FleetApi.STATUS_PATH, null, MAX_STATUS_BYTES, timeoutNanos).thenApply(a -> {
            if (a.error() != null) {
                return Result.failed(a.tooLarge() ? "garbled status: more than " + MAX_STATUS_BYTES + " bytes"
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
     * Sends a signed trigger ({@code POST /api/triggers}, its JSON body as written by the fleet's
     * trigger codec) and reads the agent's acknowledgement or refusal; the future never fails.
     */
    public CompletableFuture<Ack> trigger(String authority, String signedTriggerJson) {
        return send(authority, FleetApi.TRIGGERS_PATH, Objects.requireNonNull(signedTriggerJson, "signedTriggerJson"),
                MAX_ACK_BYTES, timeoutNanos).thenApply(AgentClient::acknowledgement);
    }

    /** What an answer to a trigger says; pure, so it is tested without sockets. */
    static Ack acknowledgement(Answer r) {
        if (r.error() != null) {
            return new Ack(FiringState.UNREACHABLE, null, r.error(), null);
        }
        Map<String, Object> answer;
        try {
            answer = JsonText.object(r.body());
        } catch (IOException e) {
            return new Ack(FiringState.FAILED, null, "HTTP " + r.statusCode()
                    + " with an unreadable answer (not a lockstep agent?)", null);
        }
        if (r.statusCode() == 202 && Boolean.TRUE.equals(answer.get("accepted"))
                && answer.get("predicted_bound_ns") instanceof Long bound) {
            return new Ack(FiringState.SCHEDULED, bound, null, null);
        }
        Object error = answer.get("error");
        Object code = answer.get("code");
        if (r.statusCode() >= 400 && r.statusCode() < 500 && error != null) {
            return new Ack(FiringState.REFUSED, null, String.valueOf(error), code == null ? null : String.valueOf(code));
        }
        return new Ack(FiringState.FAILED, null, "HTTP " + r.statusCode() + (error == null ? "" : ": " + error), null);
    }

    /**
     * Asks for the report of trigger {@code id}, letting the agent hold its answer up to
     * {@code waitNanos} (capped at {@link FleetApi#MAX_REPORT_WAIT_NANOS}; 0: answer at once)
     * until the trigger is done, all within {@code requestNanos}; the future never fails.
     */
    public CompletableFuture<ReportAnswer> report(String authority, String id, long waitNanos, long requestNanos) {
        long waitMillis = Math.max(0, Math.min(waitNanos, FleetApi.MAX_REPORT_WAIT_NANOS)) / 1_000_000L;
        String path = FleetApi.TRIGGERS_PATH + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                + (waitMillis > 0 ? "?wait_ms=" + waitMillis : "");
        long sentMono = System.nanoTime();
        return send(authority, path, null, MAX_REPORT_BYTES, requestNanos).thenApply(r -> {
            if (r.error() != null) {
                return new ReportAnswer(null, r.error(), r.tooLarge(), false);
            }
            if (r.statusCode() != 200) {
                return new ReportAnswer(null, "HTTP " + r.statusCode() + " asking for the report of trigger "
                        + SafeText.printable(id), false, false);
            }
            try {
                TriggerReport report = TriggerReport.parse(r.body());
                // An agent that knows wait_ms answers an unfinished trigger only when the wait is over.
                boolean waited = waitMillis > 0 && (report.done()
                        || System.nanoTime() - sentMono >= waitMillis * 1_000_000L / 2);
                return new ReportAnswer(report, null, false, waited);
            } catch (IOException e) {
                return new ReportAnswer(null, "unreadable report: " + firstLine(String.valueOf(e.getMessage())), false,
                        false);
            }
        });
    }

    /** Asks for the agent's recent triggers; the future never fails. */
    public CompletableFuture<ListAnswer> triggers(String authority) {
        return send(authority, FleetApi.TRIGGERS_PATH, null, MAX_LIST_BYTES, timeoutNanos).thenApply(r -> {
            if (r.error() != null) {
                return new ListAnswer(null, r.error());
            }
            if (r.statusCode() != 200) {
                return new ListAnswer(null, "HTTP " + r.statusCode() + " asking for the triggers");
            }
            try {
                return new ListAnswer(TriggerSummary.parseList(r.body()), null);
            } catch (IOException e) {
                return new ListAnswer(null, "unreadable trigger list: " + firstLine(String.valueOf(e.getMessage())));
            }
        });
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
