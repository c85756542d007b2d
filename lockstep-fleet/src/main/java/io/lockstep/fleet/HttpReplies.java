package io.lockstep.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/**
 * Small helpers for the agent's HTTP handlers (and those other parts of the fleet add to it):
 * answer with JSON or text, refuse with {@code {"error": REASON}}, and read a bounded request
 * body. Stateless and thread-safe.
 */
public final class HttpReplies {

    private HttpReplies() {
    }

    /** Answers {@code status} with {@code json} written by {@link JsonText}. */
    public static void json(HttpExchange exchange, int status, Object json) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JsonText.write(json) + "\n");
    }

    /** Answers {@code status} with {@code {"error": reason}}. */
    public static void error(HttpExchange exchange, int status, String reason) throws IOException {
        json(exchange, status, Map.of("error", reason));
    }

    /** Answers {@code status} with a body of the given content type. */
    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    /**
     * True when the request is a GET (or HEAD) of exactly {@code path}; otherwise answers 404 or
     * 405 and returns false. The JDK server routes by prefix, so handlers check the whole path.
     */
    public static boolean isGet(HttpExchange exchange, String path) throws IOException {
        if (!path.equals(exchange.getRequestURI().getPath())) {
            error(exchange, 404, "no such resource: " + exchange.getRequestURI().getPath());
            return false;
        }
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            error(exchange, 405, method + " not allowed on " + path);
            return false;
        }
        return true;
    }

    /**
     * Reads the request body, at most {@code maxBytes}.
     *
     * @return the body, or null when it was longer (the caller answers 413)
     */
    public static byte[] body(HttpExchange exchange, int maxBytes) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            return bytes.length > maxBytes ? null : bytes;
        }
    }
}
