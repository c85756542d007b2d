package io.lockstep.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.fleet.trigger.Trigger;
import io.lockstep.fleet.trigger.TriggerJson;

/**
 * Attacks on an HTTP server of the fleet (an agent's API, a dashboard) over loopback, as one
 * host on the LAN would make them: early-closing requests, connections that send their headers
 * or body a byte at a time, TLS ClientHellos to a plain-HTTP port, idle {@code /events}
 * subscribers, and floods of signed periodic triggers. Every connection comes from
 * {@link #SOURCE} (never 127.0.0.1, where the honest client is), every attack is bounded in
 * time and closes every socket it opened. Stateless; each method may run on its own thread.
 */
public final class HttpAttacks {

    /** The attacker's one address (second octet 250 is used by no time-server attack). */
    static final java.net.InetAddress SOURCE = LoopbackAttacks.source(250, 0);
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
    /** How often a trickling connection sends its next byte. */
    static final long TRICKLE_EVERY_MILLIS = 1_000;

    private HttpAttacks() {
    }

    /**
     * Sends {@code requests} times {@code GET path} and closes each connection at once, before
     * reading the answer (the agent's descriptor leak of issue 16).
     */
    public static LoopbackAttacks.Load earlyClose(InetSocketAddress server, String path, int requests, long maxNanos) {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: lockstep\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        int failed = 0;
        for (int i = 0; i < requests && System.nanoTime() - deadline < 0; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(SOURCE, 0));
                s.connect(server, CONNECT_TIMEOUT_MILLIS);
                s.getOutputStream().write(request);
                sent++;
            } catch (IOException e) {
                failed++;
            }
        }
        long elapsed = System.nanoTime() - start;
        return new LoopbackAttacks.Load(String.format(Locale.ROOT, "%,d GET %s closed unread in %.1f s%s", sent, path,
                elapsed / 1e9, failed == 0 ? "" : String.format(Locale.ROOT, ", %,d failed to connect", failed)), elapsed);
    }

    /** What a held connection sends. */
    public enum Hold {
        /** A request line and part of a header, then one more header byte a second. */
        SLOW_HEADERS("slow headers", "GET /api/status HTTP/1.1\r\nHost: lockstep\r\nX-Slow: a", (byte) 'a'),
        /** A complete request head announcing a 4,000-byte body, then one body byte a second. */
        SLOW_BODY("slow body", "POST /api/triggers HTTP/1.1\r\nHost: lockstep\r\nContent-Type: application/json\r\n"
                + "Content-Length: 4000\r\n\r\n{", (byte) ' '),
        /** A TLS 1.2 ClientHello record sent to the plain-HTTP port, then silence. */
        TLS_HELLO("TLS ClientHello", null, (byte) 0),
        /** A complete {@code GET /events}, whose stream is then never read. */
        EVENTS("idle /events subscribers", "GET /events HTTP/1.1\r\nHost: lockstep\r\nAccept: text/event-stream\r\n\r\n",
                (byte) 0);

        private final String label;
        private final String opening;
        private final byte trickle;

        Hold(String label, String opening, byte trickle) {
            this.label = label;
            this.opening = opening;
            this.trickle = trickle;
        }

        byte[] opening() {
            return opening == null ? TLS_CLIENT_HELLO.clone() : opening.getBytes(StandardCharsets.US_ASCII);
        }

        boolean trickles() {
            return trickle != 0;
        }
    }

    /**
     * Opens {@code connections} connections, sends each {@code hold}'s opening bytes, and holds
     * them for {@code holdNanos}, trickling a byte a second where the hold says so.
     */
    public static LoopbackAttacks.Load hold(InetSocketAddress server, Hold hold, int connections, long holdNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + holdNanos;
        List<Socket> open = new ArrayList<>();
        int failed = 0;
        int closedByServer = 0;
        try {
            byte[] opening = hold.opening();
            for (int i = 0; i < connections && System.nanoTime() - end < 0; i++) {
                Socket s = new Socket();
                try {
                    s.bind(new InetSocketAddress(SOURCE, 0));
                    s.connect(server, CONNECT_TIMEOUT_MILLIS);
                    s.getOutputStream().write(opening);
                    open.add(s);
                } catch (IOException e) {
                    failed++;
                    closeQuietly(s);
                }
            }
            long openedNanos = System.nanoTime() - start;
            while (System.nanoTime() - end < 0) {
                Thread.sleep(Math.min(TRICKLE_EVERY_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000L)));
                if (!hold.trickles()) {
                    continue;
                }
                for (int i = 0; i < open.size(); i++) {
                    try {
                        OutputStream out = open.get(i).getOutputStream();
                        out.write(hold.trickle);
                        out.flush();
                    } catch (IOException e) {
                        closedByServer++;
                        closeQuietly(open.remove(i--));
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            return new LoopbackAttacks.Load(String.format(Locale.ROOT, "%,d %s (opened in %.1f s) held %.0f s%s%s",
                    open.size() + closedByServer, hold.label, openedNanos / 1e9, elapsed / 1e9,
                    closedByServer == 0 ? "" : String.format(Locale.ROOT, ", %,d closed by the server", closedByServer),
                    failed == 0 ? "" : String.format(Locale.ROOT, ", %,d failed to connect", failed)), elapsed);
        } finally {
            for (Socket s : open) {
                closeQuietly(s);
            }
        }
    }

    /**
     * POSTs {@code triggers} periodic triggers signed with {@code key}, each for {@code count}
     * firings of {@code action} every {@code everyNanos}, starting {@code leadNanos} after the
     * host's clock now (the agent's reference is this host's clock).
     */
    public static LoopbackAttacks.Load triggerFlood(InetSocketAddress agent, FleetKey key, String action, int triggers,
                                                    int count, long everyNanos, long leadNanos, long maxNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        Map<String, Integer> answers = new TreeMap<>();
        int sent = 0;
        for (int i = 0; i < triggers && System.nanoTime() - deadline < 0; i++) {
            long at = System.currentTimeMillis() * 1_000_000L + leadNanos;
            Trigger t = Trigger.create(action, at, at + 60_000_000_000L, everyNanos, count, 0).signedWith(key);
            String body = JsonText.write(TriggerJson.toMap(t));
            int status = post(agent, "/api/triggers", body.getBytes(StandardCharsets.UTF_8));
            String answer = status < 0 ? "failed" : "HTTP " + status;
            sent++;
            answers.merge(answer, 1, Integer::sum);
        }
        long elapsed = System.nanoTime() - start;
        StringBuilder sb = new StringBuilder();
        answers.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(" ").append(k));
        return new LoopbackAttacks.Load(String.format(Locale.ROOT, "%d signed triggers × %d firings every %s in %.1f s: %s",
                sent, count, io.lockstep.time.Durations.formatCompact(everyNanos), elapsed / 1e9, sb), elapsed);
    }

    /** POSTs {@code body} from {@link #SOURCE} with a 3 s deadline per read; the answer's status, or -1. */
    private static int post(InetSocketAddress server, String path, byte[] body) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(SOURCE, 0));
            s.connect(server, CONNECT_TIMEOUT_MILLIS);
            s.setSoTimeout(3_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: lockstep\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            byte[] head = s.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing regardless.
        }
    }

    /**
     * A TLS 1.2 ClientHello record (one cipher suite, no extensions): what a browser or scanner
     * sends first to an https:// URL of the agent's plain-HTTP port.
     */
    private static final byte[] TLS_CLIENT_HELLO = tlsClientHello();

    private static byte[] tlsClientHello() {
        java.nio.ByteBuffer hello = java.nio.ByteBuffer.allocate(128);
        hello.put((byte) 0x03).put((byte) 0x03); // client version TLS 1.2
        hello.put(new byte[32]); // random
        hello.put((byte) 0); // session id length
        hello.putShort((short) 2).putShort((short) 0x002f); // one cipher suite
        hello.put((byte) 1).put((byte) 0); // compression: null
        int bodyLength = hello.position();
        java.nio.ByteBuffer record = java.nio.ByteBuffer.allocate(9 + bodyLength);
        record.put((byte) 0x16).put((byte) 0x03).put((byte) 0x01).putShort((short) (4 + bodyLength));
        record.put((byte) 0x01).put((byte) 0).putShort((short) bodyLength);
        record.put(hello.array(), 0, bodyLength);
        return record.array();
    }
}
