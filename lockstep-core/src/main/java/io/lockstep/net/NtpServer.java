package io.lockstep.net;

import io.lockstep.ntp.NtpRateLimit;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.lockstep.internal.ClockPrecision;
import io.lockstep.ntp.NtpCodec;
import io.lockstep.ntp.NtpDecodeException;
import io.lockstep.ntp.NtpPacket;
import io.lockstep.ntp.NtpRequestPolicy;
import io.lockstep.ntp.NtpShort;
import io.lockstep.ntp.NtpTimestamp;
import io.lockstep.time.TimeSource;

/**
 * An RFC 5905 NTP server over UDP (IPv4 and IPv6) that serves a {@link TimeSource}: it answers
 * client requests (mode 3, versions 3 and 4) with server replies (mode 4) in the request's
 * version, and nothing else. Thread-safe: {@link #counters()} and {@link #close()} may be
 * called from any thread while the receiving threads run.
 *
 * <p>Timestamps: the receive timestamp is read as soon as the datagram has been read from the
 * socket; the reply is then built completely and the transmit timestamp is read and written
 * into it last, immediately before the send. The origin timestamp is the request's transmit
 * timestamp, copied verbatim (the client may have put a random value there).
 *
 * <p>Blocking receive stamps requests late by the thread wake-up latency; see
 * {@link NtpServerConfig#busyPoll()} for when and why to busy-poll instead.
 *
 * <p>Safety: which datagrams are answered, ignored or rate-limited, and how a reply is built, is
 * decided by {@link NtpRequestPolicy} without sockets; this class receives, stamps, sends and
 * counts. The rate table has a fixed size whatever the number of clients.
 */
public final class NtpServer implements Closeable {

    private static final System.Logger LOG = System.getLogger(NtpServer.class.getName());

    private static final int MAX_DATAGRAM_BYTES = NtpRequestPolicy.MAX_DATAGRAM_BYTES;
    /** Requests sent to the warm-up twin; enough for the JIT's optimising tier. */
    private static final int WARM_UP_REQUESTS = 20_000;
    private static final long WARM_UP_MAX_NANOS = 3_000_000_000L;
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    private final NtpServerConfig config;
    private final TimeSource time;
    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final int precisionLog2;
    private final NtpRequestPolicy policy;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private final LongAdder answered = new LongAdder();
    private final LongAdder droppedMalformed = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder kissesSent = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();

    private NtpServer(NtpServerConfig config, DatagramChannel channel) throws IOException {
        this.config = config;
        this.time = config.timeSource();
        this.channel = channel;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        this.precisionLog2 = config.precisionLog2() != null ? config.precisionLog2()
                : ClockPrecision.measureLog2Seconds(time);
        this.policy = new NtpRequestPolicy(config.leapIndicator(), config.stratum(), precisionLog2,
                config.rootDelayNanos(), config.rootDispersionNanos(), config.referenceId(), config.rateLimit());
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException with a one-line message when the address cannot be bound
     */
    public static NtpServer start(NtpServerConfig config) throws IOException {
        InetAddress bind = config.bindAddress();
        DatagramChannel ch = DatagramChannel.open(
                bind instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        NtpServer server;
        try {
            // A larger receive buffer rides out bursts of requests instead of dropping them.
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress(bind, config.port()));
            if (config.busyPoll()) {
                ch.configureBlocking(false);
            }
            server = new NtpServer(config, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            String where = hostPort(bind, config.port());
            throw new IOException("cannot serve NTP on " + where + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < config.threads(); i++) {
            Thread t = new Thread(server::serve, "lockstep-ntp-" + server.port() + "-" + i);
            t.setDaemon(true);
            // Timestamps are taken on this thread; being scheduled promptly matters more than fairness.
            t.setPriority(Thread.MAX_PRIORITY);
            server.threads.add(t);
            t.start();
        }
        if (config.warmUp() && WARMED_UP.compareAndSet(false, true)) {
            Thread w = new Thread(() -> warmUp(config), "lockstep-ntp-warmup");
            w.setDaemon(true);
            w.start();
        }
        // DEBUG, not INFO: the CLI prints the bound address itself, on stdout, in its own format.
        LOG.log(System.Logger.Level.DEBUG, "NTP server on {0}, stratum {1}, precision 2^{2} s{3}",
                hostPort(server.localAddress.getAddress(), server.port()), config.stratum(), server.precisionLog2,
                config.busyPoll() ? ", busy-polling" : "");
        return server;
    }

    /** The address and port actually bound. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The port actually bound (the chosen one when the configuration said 0). */
    public int port() {
        return localAddress.getPort();
    }

    /** The precision field sent in replies (log2 seconds), measured at start unless configured. */
    public int precisionLog2() {
        return precisionLog2;
    }

    /** The configuration served. */
    public NtpServerConfig config() {
        return config;
    }

    /** What the server has done so far. */
    public NtpServerCounters counters() {
        return new NtpServerCounters(answered.sum(), droppedMalformed.sum(), ignored.sum(), rateLimited.sum(),
                kissesSent.sum(), sendErrors.sum());
    }

    /** Stops serving: closes the socket and waits briefly for the receiving threads to end. */
    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Runs a private twin of the server on a loopback port and sends it requests, so that the
     * code between socket and clock (ours and the JDK's) is compiled before it matters. The twin
     * is a separate instance: real counters and the rate table stay untouched.
     */
    private static void warmUp(NtpServerConfig real) {
        NtpServerConfig twinConfig = new NtpServerConfig(real.timeSource(), InetAddress.getLoopbackAddress(), 0,
                real.stratum(), real.referenceId(), real.rootDelayNanos(), real.rootDispersionNanos(),
                real.leapIndicator(), real.precisionLog2(), NtpRateLimit.OFF, 1, real.busyPoll(), false);
        long start = System.nanoTime();
        try (NtpServer twin = start(twinConfig); DatagramChannel client = DatagramChannel.open()) {
            client.connect(twin.localAddress());
            client.configureBlocking(false);
            ByteBuffer request = ByteBuffer.wrap(NtpCodec.encode(
                    NtpPacket.clientRequest(4, 0, NtpTimestamp.fromWallNanos(real.timeSource().wallNanos()))));
            ByteBuffer reply = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
            for (int i = 0; i < WARM_UP_REQUESTS && System.nanoTime() - start < WARM_UP_MAX_NANOS; i++) {
                request.rewind();
                client.write(request);
                long deadline = System.nanoTime() + 50_000_000L;
                reply.clear();
                while (client.read(reply) <= 0 && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "NTP warm-up stopped: {0}", e.getMessage());
        }
        LOG.log(System.Logger.Level.DEBUG, "NTP warm-up took {0} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private void serve() {
        ByteBuffer rx = ByteBuffer.allocateDirect(MAX_DATAGRAM_BYTES + 1);
        ByteBuffer tx = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
        while (!closed) {
            rx.clear();
            SocketAddress from;
            try {
                from = channel.receive(rx);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "NTP receive failed: {0}", e.getMessage());
                }
                continue;
            }
            if (from == null) {
                // Only in busy-poll mode: nothing yet, ask again at once.
                Thread.onSpinWait();
                continue;
            }
            // Read the clock first: everything after this line delays the reply, not the stamp.
            long receiveWallNanos = time.wallNanos();
            rx.flip();
            handle(rx, (InetSocketAddress) from, receiveWallNanos, tx);
        }
    }

    private void handle(ByteBuffer rx, InetSocketAddress from, long receiveWallNanos, ByteBuffer tx) {
        switch (policy.respond(rx, from.getAddress(), receiveWallNanos, time.monoNanos(), tx)) {
            case ANSWER -> {
                // Last thing before the send: the transmit timestamp.
                NtpRequestPolicy.stampTransmit(tx, time.wallNanos());
                if (send(tx, from)) {
                    answered.increment();
                }
            }
            case KISS -> {
                rateLimited.increment();
                if (send(tx, from)) {
                    kissesSent.increment();
                }
            }
            case RATE_LIMITED -> rateLimited.increment();
            case IGNORED -> ignored.increment();
            case MALFORMED -> droppedMalformed.increment();
        }
    }

    private boolean send(ByteBuffer tx, InetSocketAddress to) {
        try {
            if (channel.send(tx, to) == 0) {
                // Non-blocking (busy-poll) mode and the socket buffer is full: the reply is lost.
                sendErrors.increment();
                return false;
            }
            return true;
        } catch (IOException e) {
            if (!closed) {
                sendErrors.increment();
                LOG.log(System.Logger.Level.DEBUG, "NTP send to {0} failed: {1}", to, e.getMessage());
            }
            return false;
        }
    }

    private static String hostPort(InetAddress address, int port) {
        return io.lockstep.net.Addresses.format(new InetSocketAddress(address, port));
    }
}
