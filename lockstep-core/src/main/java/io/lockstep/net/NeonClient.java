package io.lockstep.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.lockstep.internal.Json;

/**
 * Talks to the Pupil Labs Companion app's HTTP API (Neon, Pupil Invisible) for what Lockstep
 * needs of it: the Time Echo port from {@code GET /api/status}. Stateless and thread-safe.
 *
 * <p>The status body is {@code {"message": ..., "result": [component, ...]}} where each component
 * is {@code {"model": "Phone" | "Hardware" | ..., "data": {...}}}; the {@code Phone} component's
 * {@code data.time_echo_port} is the port. Apps older than Time Echo leave that field out or null.
 */
public final class NeonClient {

    private NeonClient() {
    }

    /**
     * Finds the Time Echo endpoint of the Companion app at {@code host:port}.
     *
     * @throws IOException with a one-line message when the API is unreachable, answers with an
     *                     error, is not a Companion API, or the app is too old for Time Echo
     */
    public static InetSocketAddress timeEchoAddress(String host, int port, long timeoutNanos) throws IOException {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        URI uri = URI.create("http://" + hostPart + ":" + port + "/api/status");
        int timeoutMillis = (int) Math.max(1, timeoutNanos / 1_000_000L);
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection(java.net.Proxy.NO_PROXY);
        http.setConnectTimeout(timeoutMillis);
        http.setReadTimeout(timeoutMillis);
        http.setRequestProperty("Accept", "application/json");
        String body;
        try {
            int code = http.getResponseCode();
            if (code != 200) {
                throw new IOException("Companion API at " + uri + " answered HTTP " + code);
            }
            try (InputStream in = http.getInputStream()) {
                body = new String(in.readNBytes(4 * 1024 * 1024), StandardCharsets.UTF_8);
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no answer from the Companion API at " + uri + " within "
                    + timeoutMillis + " ms");
        } catch (java.net.ConnectException e) {
            throw new java.net.ConnectException("cannot connect to the Companion API at " + uri
                    + ": connection refused (is the Companion app running, on this port?)");
        } catch (java.net.NoRouteToHostException e) {
            throw new java.net.NoRouteToHostException("cannot reach the Companion API at " + uri + ": host unreachable");
        } catch (java.net.UnknownHostException e) {
            throw new java.net.UnknownHostException("unknown host: " + host);
        } finally {
            http.disconnect();
        }
        int echoPort = timeEchoPort(body, uri.toString());
        return new InetSocketAddress(host, echoPort);
    }

    /**
     * Extracts the Time Echo port from a {@code /api/status} body. Pure; exposed for tests.
     *
     * @throws IOException when the body is not a Companion status or lacks the port
     */
    public static int timeEchoPort(String statusBody, String where) throws IOException {
        Object root;
        try {
            root = Json.parse(statusBody);
        } catch (Json.ParseException e) {
            throw new IOException(where + " did not return JSON (" + e.getMessage() + "); is it a Companion app?");
        }
        Object result = root instanceof Map<?, ?> m ? m.get("result") : root;
        if (!(result instanceof List<?> components)) {
            throw new IOException(where + " is not a Companion status (no result list); is it a Companion app?");
        }
        for (Object component : components) {
            if (component instanceof Map<?, ?> c && "Phone".equals(c.get("model"))) {
                Object data = c.get("data");
                Object p = data instanceof Map<?, ?> d ? d.get("time_echo_port") : null;
                if (p == null) {
                    throw new IOException("Companion app too old: Time Echo needs a newer version"
                            + " (no time_echo_port in " + where + ")");
                }
                if (!(p instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())
                        || num.longValue() < 1 || num.longValue() > 65535) {
                    throw new IOException("Companion status has an invalid time_echo_port: " + p);
                }
                return num.intValue();
            }
        }
        throw new IOException(where + " lists no Phone component; is it a Companion app?");
    }
}
