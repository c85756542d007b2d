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
 * Talks to the Pupil Labs Companion app's HTTP API (Neon, Pupil Invisible): the Time Echo port
 * and recording state from {@code GET /api/status}, events ({@code POST /api/event}) and
 * recordings ({@code POST /api/recording:start}, {@code :stop_and_save}, {@code :cancel}).
 * Immutable and thread-safe; each call makes its own request (the JDK keeps the connection
 * alive between calls).
 *
 * <p>The status body is {@code {"message": ..., "result": [component, ...]}} where each component
 * is {@code {"model": "Phone" | "Hardware" | "Recording" | ..., "data": {...}}}; the {@code Phone}
 * component's {@code data.time_echo_port} is the port. Apps older than Time Echo leave that field
 * out or null. Every other answer is an envelope {@code {"message": TEXT, "result": {...}}};
 * refusals (HTTP 4xx/5xx) carry the app's reason in {@code message}, which
 * {@link CompanionException} keeps.
 */
public final class NeonClient {

    /**
     * The app refused or failed a request: HTTP status and the app's own message.
     */
    public static final class CompanionException extends IOException {
        private final int httpStatus;
        private final String appMessage;

        public CompanionException(String message, int httpStatus, String appMessage) {
            super(message);
            this.httpStatus = httpStatus;
            this.appMessage = appMessage;
        }

        /** The HTTP status of the answer. */
        public int httpStatus() {
            return httpStatus;
        }

        /** The app's {@code message}, or null when the answer had none. */
        public String appMessage() {
            return appMessage;
        }
    }

    /**
     * An event as the app answered it.
     *
     * @param name           the event's name
     * @param recordingId    the recording it was saved in, or null (no recording ran: the app discards it)
     * @param timestampNanos the event's timestamp in the phone's clock, Unix ns
     */
    public record PhoneEvent(String name, String recordingId, long timestampNanos) {
    }

    /**
     * An event the phone stamped itself, with the local wall instants around the request: the
     * phone read its clock somewhere between {@code localSendWallNanos} and
     * {@code localReceiveWallNanos}.
     */
    public record TimedEvent(PhoneEvent event, long localSendWallNanos, long localReceiveWallNanos) {
    }

    /**
     * What {@code /api/status} says that Lockstep needs.
     *
     * @param timeEchoPort    the Time Echo port, or -1 when the app is too old to have one
     * @param recordingId     the id of the running or last recording, or null
     * @param recordingAction that recording's last action (START, STOP, SAVE, DISCARD, ERROR), or null
     */
    public record CompanionStatus(int timeEchoPort, String recordingId, String recordingAction) {
        /**
         * True while a recording runs: a {@code Recording} component is listed and its last
         * action does not end it (a real app lists it only while recording).
         */
        public boolean recording() {
            if (recordingId == null || recordingAction == null) {
                return false;
            }
            return switch (recordingAction.toUpperCase(java.util.Locale.ROOT)) {
                case "STOP", "STOPPED", "SAVE", "SAVED", "DISCARD", "DISCARDED", "CANCEL", "CANCELED", "CANCELLED",
                     "ERROR" -> false;
                default -> true;
            };
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;

    /**
     * @param host         the phone's address
     * @param port         the app's HTTP port (8080 unless the app fell back to another)
     * @param timeoutNanos connect and read timeout per request
     */
    public NeonClient(String host, int port, long timeoutNanos) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutNanos / 1_000_000L));
    }

    /** A client for a {@code neon://} target. */
    public static NeonClient of(io.lockstep.protocol.Target target, long timeoutNanos) {
        return new NeonClient(target.host(), target.port(), timeoutNanos);
    }

    /** {@code HOST:PORT} of the app, for messages. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Posts an event. With {@code phoneTimestampNanos} null the phone stamps it on arrival.
     *
     * @throws CompanionException when the app refuses it
     * @throws IOException        with a one-line message when the app cannot be reached
     */
    public PhoneEvent postEvent(String name, Long phoneTimestampNanos) throws IOException {
        String body = "{\"name\":" + quote(name)
                + (phoneTimestampNanos == null ? "" : ",\"timestamp\":" + phoneTimestampNanos) + "}";
        Map<?, ?> result = resultObject(request("POST", "/api/event", body, "event"), "event");
        Object ts = result.get("timestamp");
        if (!(ts instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IOException("Companion app at " + authority() + " answered an event without a whole timestamp");
        }
        long timestamp = ts instanceof Long l ? l : (long) n.doubleValue();
        Object rec = result.get("recording_id");
        Object answeredName = result.get("name");
        return new PhoneEvent(answeredName instanceof String s ? s : name, rec instanceof String r ? r : null, timestamp);
    }

    /**
     * Posts an event without a timestamp, so the phone stamps it, and notes the local wall
     * instants just before the request and just after the whole answer was read.
     */
    public TimedEvent postStampedEvent(String name, io.lockstep.time.TimeSource local) throws IOException {
        String body = "{\"name\":" + quote(name) + "}";
        long[] instants = new long[2];
        String answer = request("POST", "/api/event", body, "event", local, instants);
        Map<?, ?> result = resultObject(answer, "event");
        Object ts = result.get("timestamp");
        if (!(ts instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IOException("Companion app at " + authority() + " answered an event without a whole timestamp");
        }
        long timestamp = ts instanceof Long l ? l : (long) n.doubleValue();
        Object rec = result.get("recording_id");
        return new TimedEvent(new PhoneEvent(name, rec instanceof String r ? r : null, timestamp), instants[0],
                instants[1]);
    }

    /** Starts a recording; returns its id. */
    public String startRecording() throws IOException {
        return recordingId(request("POST", "/api/recording:start", null, "recording:start"), "recording:start");
    }

    /** Stops and saves the running recording; returns its id. */
    public String stopAndSaveRecording() throws IOException {
        return recordingId(request("POST", "/api/recording:stop_and_save", null, "recording:stop_and_save"),
                "recording:stop_and_save");
    }

    /** Cancels (discards) the running recording; returns its id. */
    public String cancelRecording() throws IOException {
        return recordingId(request("POST", "/api/recording:cancel", null, "recording:cancel"), "recording:cancel");
    }

    /** The body of {@code GET /api/status}, unparsed. */
    public String statusBody() throws IOException {
        return request("GET", "/api/status", null, "status");
    }

    /** Reads {@code /api/status}. */
    public CompanionStatus status() throws IOException {
        String body = statusBody();
        String where = "http://" + authority() + "/api/status";
        int echoPort;
        try {
            echoPort = timeEchoPort(body, where);
        } catch (IOException e) {
            if (!e.getMessage().startsWith("Companion app too old")) {
                throw e;
            }
            echoPort = -1;
        }
        String id = null;
        String action = null;
        if (Json.parse(body) instanceof Map<?, ?> root && root.get("result") instanceof List<?> components) {
            for (Object component : components) {
                if (component instanceof Map<?, ?> c && "Recording".equals(c.get("model"))
                        && c.get("data") instanceof Map<?, ?> d) {
                    id = d.get("id") instanceof String s ? s : null;
                    action = d.get("action") instanceof String s ? s : null;
                }
            }
        }
        return new CompanionStatus(echoPort, id, action);
    }

    private String recordingId(String answer, String what) throws IOException {
        Object id = resultObject(answer, what).get("id");
        return id instanceof String s ? s : null;
    }

    private Map<?, ?> resultObject(String answer, String what) throws IOException {
        Object root;
        try {
            root = Json.parse(answer);
        } catch (Json.ParseException e) {
            throw new IOException("Companion app at " + authority() + " answered " + what
                    + " with something that is not JSON; is it a Companion app?");
        }
        if (root instanceof Map<?, ?> m && m.get("result") instanceof Map<?, ?> result) {
            return result;
        }
        throw new IOException("Companion app at " + authority() + " answered " + what
                + " without a result; is it a Companion app?");
    }

    private String request(String method, String path, String body, String what) throws IOException {
        return request(method, path, body, what, null, null);
    }

    /**
     * One request; returns the body of a 200 answer. When {@code local} is given, its wall time
     * is written to {@code instants[0]} just before the request is sent and {@code instants[1]}
     * just after the whole answer was read.
     */
    private String request(String method, String path, String body, String what,
                           io.lockstep.time.TimeSource local, long[] instants) throws IOException {
        URI uri = URI.create("http://" + authority() + path);
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection(java.net.Proxy.NO_PROXY);
        http.setConnectTimeout(timeoutMillis);
        http.setReadTimeout(timeoutMillis);
        http.setRequestProperty("Accept", "application/json");
        http.setRequestMethod(method);
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        // No streaming mode: the JDK then sends headers and body in one write, and a body in a
        // second segment would wait out Nagle's algorithm and a delayed ACK (40 ms on Linux).
        if (payload != null) {
            http.setDoOutput(true);
            http.setRequestProperty("Content-Type", "application/json");
        } else if ("POST".equals(method)) {
            http.setDoOutput(true);
        }
        try {
            if (instants != null) {
                instants[0] = local.wallNanos();
            }
            if (payload != null || "POST".equals(method)) {
                try (java.io.OutputStream out = http.getOutputStream()) {
                    if (payload != null) {
                        out.write(payload);
                    }
                }
            }
            int code = http.getResponseCode();
            InputStream stream = code >= 400 ? http.getErrorStream() : http.getInputStream();
            String answer = "";
            if (stream != null) {
                try (InputStream in = stream) {
                    answer = new String(in.readNBytes(4 * 1024 * 1024), StandardCharsets.UTF_8);
                }
            }
            if (instants != null) {
                instants[1] = local.wallNanos();
            }
            if (code != 200) {
                String appMessage = appMessage(answer);
                throw new CompanionException("Companion app at " + authority() + " refused " + what + ": "
                        + (appMessage == null ? "no message" : appMessage) + " (HTTP " + code + ")", code, appMessage);
            }
            return answer;
        } catch (SocketTimeoutException e) {
            http.disconnect();
            throw new SocketTimeoutException("no answer from the Companion app at " + authority() + " within "
                    + timeoutMillis + " ms");
        } catch (java.net.ConnectException e) {
            throw new java.net.ConnectException("cannot connect to the Companion app at " + authority()
                    + ": connection refused (is the Companion app running, on this port?)");
        } catch (java.net.NoRouteToHostException e) {
            throw new java.net.NoRouteToHostException("cannot reach the Companion app at " + authority()
                    + ": host unreachable");
        } catch (java.net.UnknownHostException e) {
            throw new java.net.UnknownHostException("unknown host: " + host);
        }
    }

    /** The {@code message} of an error answer, on one line, or null. */
    private static String appMessage(String answer) {
        try {
            if (Json.parse(answer) instanceof Map<?, ?> m && m.get("message") instanceof String s && !s.isBlank()) {
                return s.replaceAll("[\\r\\n]+", " ").strip();
            }
        } catch (Json.ParseException notJson) {
            // An error page from something else on the port: say so without its HTML.
        }
        return null;
    }

    /** A JSON string literal (core writes only this one kind of JSON). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
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
