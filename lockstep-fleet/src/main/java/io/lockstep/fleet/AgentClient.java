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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import io.lockstep.time.Durations;

/**
 * Reads agents' status documents over HTTP, many at once: each request has a deadline, and every
 * failure (refused, silent, not HTTP, garbled, another version) becomes a one-line reason instead
 * of an exception. Uses the JDK's HTTP client. Thread-safe.
 */
public final class AgentClient {

    /** The outcome of one request: a status, or why there is none. */
    public record Result(AgentStatus status, String error) {
        static Result failed(String error) {
            return new Result(null, error);
        }
    }

    private final HttpClient http;
    private final long timeoutNanos;

    /** @param timeoutNanos how long one request may take, connecting included */
    public AgentClient(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofNanos(timeoutNanos)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Requests the status of the agent at {@code host:port}; the future never fails. */
    public CompletableFuture<Result> status(String host, int port) {
        URI uri;
        try {
            uri = URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                    + FleetApi.STATUS_PATH);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Result.failed("bad address " + host + ": " + e.getMessage()));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(timeoutNanos))
                .header("Accept", "application/json").GET().build();
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = http.sendAsync(request, info -> new LimitedBody(AgentStatus.MAX_BYTES));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Result.failed("unreachable: " + e.getMessage()));
        }
        return sent.handle((response, failure) -> {
            if (failure != null) {
                return Result.failed(describe(failure));
            }
            byte[] body = response.body();
            if (response.statusCode() != 200) {
                return Result.failed("HTTP " + response.statusCode() + " from " + FleetApi.STATUS_PATH
                        + " (not a lockstep agent?)");
            }
            if (body == null) {
                return Result.failed("garbled status: more than " + AgentStatus.MAX_BYTES + " bytes");
            }
            try {
                AgentStatus s = AgentStatus.parse(new String(body, StandardCharsets.UTF_8));
                String incompatible = FleetApi.incompatibility(s.apiVersion(), s.version());
                return incompatible == null ? new Result(s, null) : new Result(s, incompatible);
            } catch (AgentStatus.GarbledException e) {
                return Result.failed(e.getMessage());
            }
        });
    }

    /**
     * Collects a body of at most {@code maxBytes}, or null for a longer one, whose reading it stops
     * (the connection is dropped): a broken or hostile agent must not fill the monitor's memory.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

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
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (bytes.size() + n > maxBytes) {
                    subscription.cancel();
                    body.complete(null);
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
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }

    private String describe(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
            return "unreachable: no answer within " + Durations.formatCompact(timeoutNanos);
        }
        if (t instanceof ConnectException) {
            return "unreachable: connection refused";
        }
        if (t instanceof IOException) {
            String m = t.getMessage();
            return "unreachable: " + (m == null || m.isBlank() ? t.getClass().getSimpleName() : firstLine(m));
        }
        return "failed: " + firstLine(String.valueOf(t.getMessage()));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
