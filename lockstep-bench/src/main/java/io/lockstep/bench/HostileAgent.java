package io.lockstep.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.lockstep.fleet.Device;
import io.lockstep.fleet.FleetApi;

/**
 * A fake agent that answers the monitor the way a broken or hostile device on the LAN could:
 * answers of many megabytes, answers trickled a byte at a time, answers laden with terminal
 * escape sequences, and answers with numbers at the ends of their range. It speaks just enough
 * HTTP/1.1 on loopback for {@code fleet status}, {@code fleet fire} and the dashboard
 * ({@code GET /api/status}, {@code POST /api/triggers}, {@code GET /api/triggers[/ID]}), each
 * request answered as a {@link Mode} (the attack bench) or a {@link Script} says (tests that mix
 * honest and hostile answers per path, e.g. an honest status and a flooded report). The one
 * hostile agent of the project: {@code bench attack} and the monitor's tests both use it. Every
 * answer ends by its own deadline, at most {@value #MAX_CONNECTIONS} connections are served at
 * once, and {@link #close()} closes every socket. Thread-safe.
 */
public final class HostileAgent implements AutoCloseable {

    /** How the agent misbehaves. */
    public enum Mode {
        /** Every answer is {@code hugeBytes} of JSON-looking text. */
        HUGE("huge"),
        /** Every answer announces a 1 MB body and sends one byte every 200 ms until the trickle time ends. */
        TRICKLE("trickling"),
        /** Well-formed answers whose strings carry terminal escape sequences and forged lines. */
        ESCAPES("escape-laden"),
        /** Well-formed answers with offsets, bounds, counts and instants at the ends of their range. */
        OUT_OF_RANGE("out-of-range");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What to answer to one request. */
    public sealed interface Reply permits Honest, Flood, Trickle {
    }

    /** A fixed, complete answer. */
    public record Honest(int status, String body) implements Reply {
    }

    /** Headers announcing {@code bytes}, then that many bytes of JSON-looking text as fast as the socket takes them. */
    public record Flood(long bytes) implements Reply {
    }

    /** Headers announcing 1 MB, then one byte every 200 ms for {@code nanos}. */
    public record Trickle(long nanos) implements Reply {
    }

    /** Chooses the answer to a request from its method and path (with the query). */
    @FunctionalInterface
    public interface Script {
        Reply reply(String method, String path);
    }

    /** A script answering by the longest path prefix in {@code byPrefix} that matches, otherwise {@code otherwise}. */
    public static Script byPath(Map<String, Reply> byPrefix, Reply otherwise) {
        Map<String, Reply> copy = Map.copyOf(byPrefix);
        return (method, path) -> {
            Reply r = otherwise;
            int best = -1;
            for (Map.Entry<String, Reply> e : copy.entrySet()) {
                if (path.startsWith(e.getKey()) && e.getKey().length() > best) {
                    best = e.getKey().length();
                    r = e.getValue();
                }
            }
            return r;
        };
    }

    static final int MAX_CONNECTIONS = 64;
    private static final long TRICKLE_EVERY_MILLIS = 200;
    private static final String ESC = "\u001b";
    /** What the escape-laden answers carry: clear screen, set the window title, ring, a forged second line. */
    static final String ESCAPE_PAYLOAD = ESC + "[2J" + ESC + "]0;pwned" + "\u0007" + ESC + "[31m" + "\r\nfleet: all devices IN SYNC";

    private final Mode mode;
    private final long hugeBytes;
    private final long trickleNanos;
    private final Script script;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param hugeBytes    size of every {@link Mode#HUGE} answer
     * @param trickleNanos how long a {@link Mode#TRICKLE} answer lasts
     */
    public HostileAgent(Mode mode, long hugeBytes, long trickleNanos) throws IOException {
        this(mode, hugeBytes, trickleNanos, null);
    }

    /** An agent answering each request as {@code script} says. */
    public HostileAgent(Script script) throws IOException {
        this(null, 0, 0, Objects.requireNonNull(script, "script"));
    }

    private HostileAgent(Mode mode, long hugeBytes, long trickleNanos, Script script) throws IOException {
        this.mode = mode;
        this.hugeBytes = hugeBytes;
        this.trickleNanos = trickleNanos;
        this.script = script != null ? script : this::modeReply;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "lockstep-hostile-agent");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** {@code agent://127.0.0.1:PORT} as a fleet device. */
    public Device device(String name) {
        return Device.parse(name, "agent://127.0.0.1:" + server.getLocalPort());
    }

    /** Connections open right now (the monitor has not hung up). */
    public int openConnections() {
        return open.size();
    }

    /** A status document of a synced agent of this version whose clock agrees with the reference within 1 µs. */
    public static String syncedStatus(String name) {
        return "{\"name\":\"" + name + "\",\"version\":\"" + FleetApi.softwareVersion() + "\",\"api_version\":"
                + FleetApi.API_VERSION + ",\"state\":\"SYNCED\",\"offset_ns\":0,\"error_bound_ns\":1000,\"drift_ppm\":0.0,"
                + "\"samples\":10,\"dropped\":0,\"uptime_ns\":1,\"local_wall_ns\":" + System.currentTimeMillis() * 1_000_000L
                + "}";
    }

    /** Bytes of answers sent so far. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Requests read so far. */
    public long requests() {
        return requests.get();
    }

    /** One line for a table: the answers' size and length. */
    public String describe() {
        if (mode == null) {
            return "scripted answers";
        }
        return switch (mode) {
            case HUGE -> String.format(Locale.ROOT, "%s answers of %,d MB", mode.label, hugeBytes / 1_000_000);
            case TRICKLE -> String.format(Locale.ROOT, "answers trickled 1 B/%d ms for %.0f s", TRICKLE_EVERY_MILLIS,
                    trickleNanos / 1e9);
            case ESCAPES -> "escape sequences in name, version, state, last_failure, refusals";
            case OUT_OF_RANGE -> "offset, bound = Long.MAX; count 100000; report at Long.MIN/MAX";
        };
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            if (open.size() >= MAX_CONNECTIONS) {
                closeQuietly(s);
                continue;
            }
            open.add(s);
            Thread t = new Thread(() -> {
                try {
                    serve(s);
                } catch (IOException | RuntimeException e) {
                    // The monitor hung up: that is what a deadline does.
                } finally {
                    open.remove(s);
                    closeQuietly(s);
                }
            }, "lockstep-hostile-agent-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        String head = readHead(in);
        if (head == null) {
            return;
        }
        requests.incrementAndGet();
        String[] first = head.split("\r\n", 2)[0].split(" ");
        String method = first.length > 0 ? first[0] : "";
        String path = first.length > 1 ? first[1] : "/";
        long length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            }
        }
        in.readNBytes((int) Math.min(length, 64 * 1024));
        OutputStream out = s.getOutputStream();
        Reply reply = script.reply(method, path);
        if (reply instanceof Flood f) {
            huge(out, method.equals("POST") ? 202 : 200, f.bytes());
        } else if (reply instanceof Trickle t) {
            trickle(out, t.nanos());
        } else if (reply instanceof Honest h) {
            send(out, h.status(), h.body());
        }
    }

    private Reply modeReply(String method, String path) {
        return switch (mode) {
            case HUGE -> new Flood(hugeBytes);
            case TRICKLE -> new Trickle(trickleNanos);
            case ESCAPES, OUT_OF_RANGE -> {
                String[] answer = answer(method, path);
                yield new Honest(Integer.parseInt(answer[0]), answer[1]);
            }
        };
    }

    /** Status code and body of a well-formed but hostile answer. */
    private String[] answer(String method, String path) {
        long now = System.currentTimeMillis() * 1_000_000L;
        boolean escapes = mode == Mode.ESCAPES;
        if (path.startsWith("/api/status")) {
            String status = escapes
                    ? "{\"name\":\"evil" + json(ESCAPE_PAYLOAD) + "\",\"version\":\"0.1.0" + json(ESCAPE_PAYLOAD)
                    + "\",\"api_version\":1,\"host\":\"h\",\"reference\":\"ntp://x\",\"state\":\"SYNCED"
                    + json(ESCAPE_PAYLOAD) + "\",\"offset_ns\":0,\"error_bound_ns\":1000,\"drift_ppm\":0,"
                    + "\"samples\":1,\"dropped\":0,\"uptime_ns\":1,\"local_wall_ns\":" + now + ",\"last_failure\":\""
                    + json(ESCAPE_PAYLOAD) + "\"}"
                    : "{\"name\":\"evil\",\"version\":\"0.1.0\",\"api_version\":1,\"host\":\"h\",\"reference\":\"ntp://x\","
                    + "\"state\":\"SYNCED\",\"offset_ns\":9223372036854775807,\"error_bound_ns\":9223372036854775807,"
                    + "\"drift_ppm\":1e308,\"samples\":1,\"dropped\":0,\"uptime_ns\":1,\"local_wall_ns\":" + now
                    + ",\"last_failure\":null}";
            return new String[]{"200", status};
        }
        if (path.startsWith("/api/triggers") && method.equals("POST")) {
            return escapes
                    ? new String[]{"403", "{\"error\":\"" + json(ESCAPE_PAYLOAD) + "\",\"code\":\"bad_signature\"}"}
                    : new String[]{"202", "{\"accepted\":true,\"agent\":\"evil\",\"predicted_bound_ns\":9223372036854775807}"};
        }
        String firing = escapes
                ? "{\"index\":0,\"reference_ns\":" + now + ",\"fired_reference_ns\":" + now + ",\"local_ns\":" + now
                + ",\"error_bound_ns\":1000,\"lateness_ns\":0,\"outcome\":\"FAILED\",\"detail\":\"" + json(ESCAPE_PAYLOAD) + "\"}"
                : "{\"index\":0,\"reference_ns\":-9223372036854775808,\"fired_reference_ns\":9223372036854775807,"
                + "\"local_ns\":0,\"error_bound_ns\":9223372036854775807,\"lateness_ns\":-9223372036854775808,"
                + "\"outcome\":\"FIRED\",\"detail\":\"\"}";
        String summary = "{\"id\":\"hostile\",\"action\":\"mark\",\"kind\":\"exec\",\"at_ns\":" + (now - 1_000_000_000L)
                + ",\"every_ns\":1,\"count\":" + (escapes ? 1 : 100000) + ",\"expires_ns\":" + now
                + ",\"predicted_bound_ns\":1000,\"state\":\"done\",\"firings_done\":1,\"firings_ok\":1";
        if (path.equals("/api/triggers") || path.equals("/api/triggers/")) {
            return new String[]{"200", "{\"triggers\":[" + summary + "}]}"};
        }
        return new String[]{"200", summary + ",\"firings\":[" + firing + "]}"};
    }

    private void huge(OutputStream out, int status, long hugeBytes) throws IOException {
        out.write(("HTTP/1.1 " + status + " OK\r\nContent-Type: application/json\r\nContent-Length: " + hugeBytes
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        chunk[0] = '{';
        chunk[1] = '"';
        long left = hugeBytes;
        boolean first = true;
        while (left > 0 && !closed) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            bytesSent.addAndGet(n);
            left -= n;
            if (first) {
                chunk[0] = 'a';
                chunk[1] = 'a';
                first = false;
            }
        }
        out.flush();
    }

    private void trickle(OutputStream out, long trickleNanos) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long end = System.nanoTime() + trickleNanos;
        while (System.nanoTime() - end < 0 && !closed) {
            try {
                Thread.sleep(TRICKLE_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            out.write(' ');
            out.flush();
            bytesSent.incrementAndGet();
        }
    }

    private void send(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        bytesSent.addAndGet(b.length);
    }

    /** The request head, or null when the peer closed or sent more than 16 KiB without finishing it. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.charAt(sb.length() - 1) == '\n' && sb.lastIndexOf("\r\n\r\n") == sb.length() - 4) {
                return sb.toString();
            }
            if (sb.length() > 16 * 1024) {
                return null;
            }
        }
        return null;
    }

    /** {@code s} as the inside of a JSON string: the escapes arrive as JSON escapes, decoded by the victim. */
    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch < 0x20 || ch == '"' || ch == '\\') {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing regardless.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing regardless.
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
