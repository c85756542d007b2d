package io.lockstep.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.lockstep.internal.echo.EchoCodec;
import io.lockstep.internal.echo.EchoReply;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Protocols;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.TimeSource;

/**
 * A Time Echo client connection: each {@link #exchange()} sends the local wall time in ms and
 * reads the 16-byte echo. Local send and receive instants are kept in ns (the wire carries only
 * ms), so the round trip is measured to the local clock's granularity. Not thread-safe.
 *
 * <p>After a reply that is short, late or does not echo our value, the byte stream can no longer
 * be trusted to line up with our requests, so the connection is dropped and the next exchange
 * reconnects. A wrong or short reply before any good exchange is reported as an
 * {@link IOException} saying what came back, because then the peer is most likely not a Time
 * Echo server at all; a missing reply is only a dropped sample, since replies get lost. A
 * connection closed before its first answer is also only dropped (the warm-up tries three
 * times), with a message saying it most likely means a full server: servers close newcomers, or
 * evict idle connections, when their connection table is full.
 */
public final class EchoProbe implements TimeProbe {

    private final Protocol protocol;
    private final InetSocketAddress address;
    private final TimeSource local;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long goodExchanges;

    /**
     * @param address       the Time Echo server
     * @param local         the local clock whose wall time is sent and measured
     * @param timeoutNanos  connect and per-reply timeout
     */
    public EchoProbe(InetSocketAddress address, TimeSource local, long timeoutNanos) {
        this(Protocols.standard().find("echo").orElseThrow(), address, local, timeoutNanos);
    }

    /**
     * A probe that reports {@code protocol} as what it speaks (a Companion app's Time Echo port is
     * reached through {@code neon://}).
     */
    public EchoProbe(Protocol protocol, InetSocketAddress address, TimeSource local, long timeoutNanos) {
        this.protocol = protocol;
        this.address = address;
        this.local = local;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutNanos / 1_000_000L));
    }

    /** Connects now (otherwise the first exchange does), so connection errors surface early. */
    public void connect() throws IOException {
        if (socket != null) {
            return;
        }
        if (address.isUnresolved()) {
            throw new java.net.UnknownHostException("unknown host: " + address.getHostString());
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(address, timeoutMillis);
        } catch (SocketTimeoutException e) {
            s.close();
            throw new SocketTimeoutException("cannot connect to " + EchoServer.describe(address)
                    + " within " + timeoutMillis + " ms (host down or unreachable, or the server's queue of"
                    + " new connections is full?)");
        } catch (java.net.ConnectException e) {
            s.close();
            throw new java.net.ConnectException("cannot connect to " + EchoServer.describe(address)
                    + ": connection refused (nothing listening on that port?)");
        } catch (java.net.NoRouteToHostException e) {
            s.close();
            throw new java.net.NoRouteToHostException("cannot reach " + EchoServer.describe(address)
                    + ": host unreachable");
        } catch (IOException e) {
            s.close();
            String why = String.valueOf(e.getMessage());
            if (why.toLowerCase(java.util.Locale.ROOT).contains("reset")) {
                // Accepted and reset at once: what a server with a full connection table does.
                throw new IOException("cannot connect to " + EchoServer.describe(address) + ": the server reset the"
                        + " connection at once (" + why + "); it is most likely full or limiting connections from"
                        + " this address", e);
            }
            throw new IOException("cannot connect to " + EchoServer.describe(address) + ": " + why, e);
        }
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    @Override
    public TimeSample exchange() throws IOException {
        connect();
        // A late reply can never be mistaken for the answer to a later request: after any failed
        // exchange the connection is dropped and the next one starts on a fresh stream.
        long t1 = local.wallNanos();
        long sentMillis = EchoCodec.toMillis(t1);
        ByteBuffer req = ByteBuffer.allocate(EchoCodec.REQUEST_BYTES);
        EchoCodec.writeRequest(req, sentMillis);
        byte[] reply = new byte[EchoCodec.REPLY_BYTES];
        int got;
        long t4;
        try {
            out.write(req.array());
            out.flush();
            got = readFully(reply);
            t4 = local.wallNanos();
        } catch (SocketTimeoutException e) {
            // A lost reply is ordinary on busy Wi-Fi, even the first one: drop it and let the
            // caller retry; only a peer that never answers is judged not to be a Time Echo server.
            disconnect();
            String reason = "no Time Echo reply from " + EchoServer.describe(address) + " within " + timeoutMillis + " ms";
            if (goodExchanges == 0) {
                reason += "; is it a Time Echo server? (for a Companion app's HTTP port, use neon://HOST)";
            }
            throw new DroppedSampleException(reason);
        } catch (IOException e) {
            disconnect();
            if (goodExchanges == 0) {
                // Closed (or reset) before any answer: a Time Echo server does that when it is
                // full or limits this address; an evicting server may let the next try in, so
                // this is a dropped sample and the warm-up tries again.
                throw new DroppedSampleException(EchoServer.describe(address) + " closed the connection without"
                        + " answering (" + e.getMessage() + "): the server is most likely full or limiting"
                        + " connections from this address; otherwise it is not a Time Echo server");
            }
            throw new DroppedSampleException("connection lost: " + e.getMessage());
        }
        if (got < EchoCodec.REPLY_BYTES) {
            disconnect();
            return failed("short reply (" + got + " of 16 bytes) from " + EchoServer.describe(address), reply, got);
        }
        EchoReply r = EchoCodec.readReply(ByteBuffer.wrap(reply));
        if (r.echoedMillis() != sentMillis) {
            disconnect();
            return failed("reply from " + EchoServer.describe(address) + " did not echo our timestamp", reply, got);
        }
        goodExchanges++;
        long serverNanos = r.serverMillis() * 1_000_000L;
        // The wire's local value is truncated to ms but we know t1 to the ns: keep the ns.
        return new TimeSample(t1, serverNanos, serverNanos, t4, 1_000_000L);
    }

    private TimeSample failed(String reason, byte[] reply, int length) throws IOException {
        if (goodExchanges == 0) {
            String looks = reply == null ? "" : describeBytes(reply, length);
            throw new IOException(reason + looks + "; is it a Time Echo server?");
        }
        throw new DroppedSampleException(reason);
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    /**
     * 1 ms on average: back-to-back exchanges on a fast link all fall within one or two of the
     * server's millisecond ticks, so the truncation intervals barely narrow each other; random
     * pauses around a tick's length put the exchanges at uniformly spread phases.
     */
    @Override
    public long burstSpacingNanos() {
        return 1_000_000L;
    }

    @Override
    public long remoteResolutionNanos() {
        return 1_000_000L;
    }

    @Override
    public void close() {
        disconnect();
    }

    private int readFully(byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                if (n == 0) {
                    throw new EOFException("end of stream");
                }
                break;
            }
            n += r;
        }
        return n;
    }

    private void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing left to release.
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    /** Says what a bad reply looked like, so "port 80 is an HTTP server" is obvious from the error. */
    static String describeBytes(byte[] b, int length) {
        int printable = 0;
        for (int i = 0; i < length; i++) {
            if ((b[i] >= 0x20 && b[i] < 0x7f) || b[i] == '\r' || b[i] == '\n') {
                printable++;
            }
        }
        if (length > 0 && printable == length) {
            String text = new String(b, 0, length, StandardCharsets.US_ASCII).replaceAll("\\s+", " ").trim();
            return " (it answered text: \"" + text + "…\")";
        }
        return "";
    }
}
