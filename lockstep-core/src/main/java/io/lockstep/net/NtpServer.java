package io.lockstep.net;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.lockstep.internal.ClockPrecision;
import io.lockstep.internal.KernelStamps;
import io.lockstep.internal.RateLimitTable;
import io.lockstep.internal.ntp.NtpCodec;
import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.internal.ntp.NtpRequestPolicy;
import io.lockstep.internal.ntp.NtpTimestamp;
import io.lockstep.time.TimeSource;

/**
 * An RFC 5905 NTP server over UDP (IPv4 and IPv6) that serves a {@link TimeSource}: it answers
 * client requests (mode 3, versions 3 and 4) with server replies (mode 4) in the request's
 * version, and nothing else. Thread-safe: {@link #counters()} and {@link #close()} may be
 * called from any thread while the receiving threads run.
 *
 * <p>Timestamps: with kernel timestamps ({@link ReceiveTimestamps}; a {@link DatagramTransport}
 * such as the optional {@code lockstep-linux} module must be installed and work on this
 * platform) the receive timestamp is the instant the kernel received the datagram, converted
 * into the served clock's domain by {@link io.lockstep.internal.KernelStamps}; otherwise (the
 * fallback, {@code DatagramChannel}) it is read as soon as the datagram has been read from the
 * socket. Either way the reply is then built completely and the transmit timestamp is read and
 * written into it last, immediately before the send (on the kernel path inside the worker's
 * send, once the destination is ready; see {@link StampedDatagramSocket.Worker#send(ByteBuffer,
 * InetSocketAddress, StampedDatagramSocket.TransmitStamp)}). The origin timestamp is the request's
 * transmit timestamp, copied verbatim (the client may have put a random value there).
 * {@link #receiveTimestamps()} tells which method is in use.
 *
 * <p>A blocking receive in user space stamps requests late by the thread wake-up latency; see
 * {@link NtpServerConfig#busyPoll()} for when and why to busy-poll instead.
 *
 * <p>Safety: which datagrams are answered, ignored or rate-limited, and how a reply is built, is
 * decided by {@link NtpRequestPolicy} without sockets; this class receives, stamps, sends and
 * counts. The rate table has a fixed size whatever the number of clients.
 */
public final class NtpServer implements Closeable {

    private static final System.Logger LOG = System.getLogger(NtpServer.class.getName());

    private static final int MAX_DATAGRAM_BYTES = NtpRequestPolicy.MAX_DATAGRAM_BYTES;
    /** A larger receive buffer rides out bursts of requests instead of dropping them. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    /** Requests sent to the warm-up twin; enough for the JIT's optimising tier. */
    private static final int WARM_UP_REQUESTS = 20_000;
    private static final long WARM_UP_MAX_NANOS = 3_000_000_000L;
    /** Source ports the warm-up client sends from in turn. */
    private static final int WARM_UP_CLIENT_PORTS = 4;
    /** After how many warm-up requests the twin idles once, and for how long (ms). */
    private static final int WARM_UP_IDLE_AT = 3_000;
    private static final long WARM_UP_IDLE_MILLIS = 450;
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    private static final CountDownLatch WARM_UP_FINISHED = new CountDownLatch(1);

    private final NtpServerConfig config;
    private final TimeSource time;
    /** The user-space path; null when {@link #stamped} serves. */
    private final DatagramChannel channel;
    /** The kernel-timestamp path; null when {@link #channel} serves. */
    private final StampedDatagramSocket stamped;
    private final String userStampsReason;
    private final InetSocketAddress localAddress;
    private final int precisionLog2;
    private final NtpRequestPolicy policy;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /** Writes the transmit timestamp, read from the served clock at the moment it is called. */
    private final StampedDatagramSocket.TransmitStamp transmitStamp;

    private final LongAdder answered = new LongAdder();
    private final LongAdder droppedMalformed = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder kissesSent = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder userStampFallbacks = new LongAdder();

    private NtpServer(NtpServerConfig config, DatagramChannel channel, StampedDatagramSocket stamped,
                      String userStampsReason) throws IOException {
        this.config = config;
        this.time = config.timeSource();
        TimeSource served = this.time;
        this.transmitStamp = tx -> NtpRequestPolicy.stampTransmit(tx, served.wallNanos());
        this.channel = channel;
        this.stamped = stamped;
        this.userStampsReason = userStampsReason;
        this.localAddress = stamped != null ? stamped.localAddress() : (InetSocketAddress) channel.getLocalAddress();
        this.precisionLog2 = config.precisionLog2() != null ? config.precisionLog2()
                : ClockPrecision.measureLog2Seconds(time);
        this.policy = new NtpRequestPolicy(config.leapIndicator(), config.stratum(), precisionLog2,
                config.rootDelayNanos(), config.rootDispersionNanos(), config.referenceId(), rateTable(config.rateLimit()));
    }

    private static RateLimitTable rateTable(NtpRateLimit limit) {
        return limit.enabled() ? new RateLimitTable(limit.requestsPerSecond(), limit.burst(), limit.tableSlots()) : null;
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException with a one-line message when the address cannot be bound, or when
     *         kernel timestamps were required ({@link ReceiveTimestamps#KERNEL}) and none work here
     */
    public static NtpServer start(NtpServerConfig config) throws IOException {
        InetAddress bind = config.bindAddress();
        String where = hostPort(bind, config.port());
        NtpServer server = null;
        String userStampsReason = config.receiveTimestamps() == ReceiveTimestamps.USER ? "asked for" : null;
        if (userStampsReason == null) {
            StampedDatagramSocket socket;
            try {
                socket = DatagramTransports.bind(new InetSocketAddress(bind, config.port()), RECEIVE_BUFFER_BYTES);
            } catch (UnsupportedOperationException e) {
                if (config.receiveTimestamps() == ReceiveTimestamps.KERNEL) {
                    throw new IOException("cannot serve NTP on " + where + " with kernel receive timestamps: "
                            + e.getMessage(), e);
                }
                socket = null;
                userStampsReason = e.getMessage();
            } catch (IOException e) {
                throw new IOException("cannot serve NTP on " + where + ": " + e.getMessage(), e);
            }
            if (socket != null) {
                try {
                    server = new NtpServer(config, null, socket, null);
                } catch (IOException | RuntimeException e) {
                    socket.close();
                    throw new IOException("cannot serve NTP on " + where + ": " + e.getMessage(), e);
                }
            }
        }
        if (server == null) {
            server = startUserStamped(config, where, userStampsReason);
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
            Thread w = new Thread(() -> {
                try {
                    warmUp(config);
                } finally {
                    WARM_UP_FINISHED.countDown();
                }
            }, "lockstep-ntp-warmup");
            w.setDaemon(true);
            w.start();
        }
        // DEBUG, not INFO: the CLI prints the bound address itself, on stdout, in its own format.
        LOG.log(System.Logger.Level.DEBUG, "NTP server on {0}, stratum {1}, precision 2^{2} s, {3} receive timestamps{4}",
                hostPort(server.localAddress.getAddress(), server.port()), config.stratum(), server.precisionLog2,
                server.receiveTimestamps().word(), config.busyPoll() ? ", busy-polling" : "");
        return server;
    }

    private static NtpServer startUserStamped(NtpServerConfig config, String where, String why) throws IOException {
        InetAddress bind = config.bindAddress();
        DatagramChannel ch = DatagramChannel.open(
                bind instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            ch.bind(new InetSocketAddress(bind, config.port()));
            if (config.busyPoll()) {
                ch.configureBlocking(false);
            }
            return new NtpServer(config, ch, null, why);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("cannot serve NTP on " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where this server's receive timestamps come from: {@link ReceiveTimestamps#KERNEL} or
     * {@link ReceiveTimestamps#USER} (never {@code AUTO}: this is what {@code AUTO} chose).
     */
    public ReceiveTimestamps receiveTimestamps() {
        return stamped != null ? ReceiveTimestamps.KERNEL : ReceiveTimestamps.USER;
    }

    /**
     * Why this server stamps in user space, in one line ("asked for", or why no kernel-timestamp
     * transport works here); null when it uses kernel timestamps.
     */
    public String userStampsReason() {
        return userStampsReason;
    }

    /**
     * Datagrams received on the kernel-timestamp path that had to be stamped in user space instead:
     * the kernel attached no stamp, or the host clock stepped between the stamp and its conversion.
     * Always 0 on the user-space path.
     */
    public long userStampFallbacks() {
        return userStampFallbacks.sum();
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

    /**
     * Waits until this JVM's one-time JIT warm-up (run in the background by the first server
     * started with warm-up on) has finished, so a caller that judges the first replies' timing
     * can wait on that instead of a guessed duration. True when it has finished or none was
     * started; false when {@code timeout} passed first.
     */
    public static boolean awaitWarmUp(long timeout, TimeUnit unit) throws InterruptedException {
        return !WARMED_UP.get() || WARM_UP_FINISHED.await(timeout, unit);
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
        if (stamped != null) {
            // Wake the receivers first and release the socket only after they stopped using it.
            stamped.shutdown();
        } else {
            channel.close();
        }
        try {
            for (Thread t : threads) {
                t.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (stamped != null) {
                stamped.close();
            }
        }
    }

    /**
     * Runs a private twin of the server on a loopback port and sends it requests, so that the
     * code between socket and clock (ours and the JDK's) is compiled before it matters. The twin
     * is a separate instance: real counters and the rate table stay untouched.
     */
    private static void warmUp(NtpServerConfig real) {
        // The twin takes the real server's branches, or the JIT compiles code that the first real
        // request throws away (a branch never taken is compiled as a trap; taking it deoptimises
        // the method, and at a few requests a second it is never compiled again, so every reply
        // ran interpreted between its transmit timestamp and the send). So the rate table is
        // consulted when the real server consults it, with a limit the warm-up never reaches.
        // One slot, and clients from two addresses in turn: both a known and a new client are seen.
        NtpRateLimit twinLimit = real.rateLimit().enabled()
                ? new NtpRateLimit(1e9, 1_000_000_000, 1, true) : NtpRateLimit.OFF;
        NtpServerConfig twinConfig = new NtpServerConfig(real.timeSource(), InetAddress.getLoopbackAddress(), 0,
                real.stratum(), real.referenceId(), real.rootDelayNanos(), real.rootDispersionNanos(),
                real.leapIndicator(), real.precisionLog2(), twinLimit, 1, real.busyPoll(),
                real.receiveTimestamps(), false);
        long start = System.nanoTime();
        DatagramChannel[] clients = new DatagramChannel[WARM_UP_CLIENT_PORTS];
        try (NtpServer twin = start(twinConfig)) {
            // Several source ports, taken in turn: chronyd opens a new port for every request, so
            // the code for a client not seen before must be compiled too, not only the repeat path.
            for (int c = 0; c < clients.length; c++) {
                clients[c] = DatagramChannel.open();
                if (c >= clients.length / 2) {
                    bindSecondLoopback(clients[c], twin.localAddress().getAddress());
                }
                clients[c].connect(twin.localAddress());
                clients[c].configureBlocking(false);
            }
            ByteBuffer[] requests = warmUpRequests(real.timeSource().wallNanos());
            ByteBuffer reply = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
            for (int i = 0; i < WARM_UP_REQUESTS && System.nanoTime() - start < WARM_UP_MAX_NANOS; i++) {
                if (i == WARM_UP_IDLE_AT) {
                    // Idle for longer than a kernel-path receive waits, as between a slow client's
                    // requests: the code for "nothing came" is profiled too.
                    Thread.sleep(WARM_UP_IDLE_MILLIS);
                }
                DatagramChannel client = clients[i % clients.length];
                ByteBuffer request = requests[(i / clients.length) % requests.length];
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (DatagramChannel c : clients) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (IOException e) {
                        // A scratch loopback socket: nothing to recover.
                    }
                }
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "NTP warm-up took {0} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Binds {@code client} to a second loopback address (127.0.0.2 for an IPv4 twin, which Linux
     * routes to the loopback device) so the twin sees two client addresses; where that is not
     * possible the client keeps the first, and only this part of the warm-up is lost.
     */
    private static void bindSecondLoopback(DatagramChannel client, InetAddress twinAddress) {
        if (!(twinAddress instanceof Inet4Address)) {
            return;
        }
        try {
            client.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 0));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "NTP warm-up from one address only: {0}", e.getMessage());
        }
    }

    /**
     * Requests as real clients send them, in turn: chronyd's (NTPv4, its poll and precision, root
     * delay and dispersion, a reference timestamp), ntpd's and ntplib's NTPv3, and a bare SNTP one,
     * so that the code compiled for them is the code real requests run.
     */
    private static ByteBuffer[] warmUpRequests(long wallNanos) {
        NtpTimestamp now = NtpTimestamp.fromWallNanos(wallNanos);
        NtpTimestamp earlier = NtpTimestamp.fromWallNanos(wallNanos - 1_000_000_000L);
        NtpPacket[] packets = {
            new NtpPacket(NtpPacket.LEAP_NONE, 4, NtpPacket.MODE_CLIENT, 3, -2, -24,
                    io.lockstep.internal.ntp.NtpShort.fromNanos(250_000), io.lockstep.internal.ntp.NtpShort.fromNanos(1_000_000),
                    0x7F7F0101, earlier, NtpTimestamp.ZERO, NtpTimestamp.ZERO, now),
            new NtpPacket(NtpPacket.LEAP_UNSYNCHRONIZED, 4, NtpPacket.MODE_CLIENT, 0, 6, -20,
                    io.lockstep.internal.ntp.NtpShort.ZERO, io.lockstep.internal.ntp.NtpShort.ZERO, 0,
                    NtpTimestamp.ZERO, NtpTimestamp.ZERO, NtpTimestamp.ZERO, now),
            NtpPacket.clientRequest(3, 3, now),
            NtpPacket.clientRequest(4, 0, now),
        };
        ByteBuffer[] requests = new ByteBuffer[packets.length];
        for (int i = 0; i < packets.length; i++) {
            requests[i] = ByteBuffer.wrap(NtpCodec.encode(packets[i]));
        }
        return requests;
    }

    private void serve() {
        if (stamped != null) {
            serveKernelStamped();
        } else {
            serveUserStamped();
        }
    }

    private void serveKernelStamped() {
        ByteBuffer rx = ByteBuffer.allocateDirect(MAX_DATAGRAM_BYTES + 1);
        ByteBuffer tx = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
        try (StampedDatagramSocket.Worker worker = stamped.newWorker()) {
            boolean block = !config.busyPoll();
            while (!closed) {
                rx.clear();
                InetSocketAddress from;
                try {
                    from = worker.receive(rx, block);
                } catch (IOException e) {
                    if (!closed) {
                        LOG.log(System.Logger.Level.DEBUG, "NTP receive failed: {0}", e.getMessage());
                    }
                    continue;
                }
                if (from == null) {
                    // A bounded wait ended, or the socket was shut down: the loop condition decides.
                    if (!block) {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                long receiveWallNanos = servedReceiveWallNanos(worker.receiveRealtimeNanos());
                rx.flip();
                handle(rx, from, receiveWallNanos, tx, worker);
            }
        }
    }

    /** The served clock's time at the kernel's receive stamp, or now when the stamp is unusable. */
    private long servedReceiveWallNanos(long kernelRealtimeNanos) {
        if (kernelRealtimeNanos != StampedDatagramSocket.NO_STAMP) {
            long served = KernelStamps.servedWallNanos(kernelRealtimeNanos, time);
            if (served != KernelStamps.UNUSABLE) {
                return served;
            }
        }
        userStampFallbacks.increment();
        return time.wallNanos();
    }

    private void serveUserStamped() {
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
            handle(rx, (InetSocketAddress) from, receiveWallNanos, tx, null);
        }
    }

    /** Answers one datagram; {@code worker} is the kernel path's, or null for the channel. */
    private void handle(ByteBuffer rx, InetSocketAddress from, long receiveWallNanos, ByteBuffer tx,
                        StampedDatagramSocket.Worker worker) {
        // The monotonic clock only feeds the rate limit: no read per datagram when it is off.
        long monoNanos = policy.limitsRate() ? time.monoNanos() : 0;
        switch (policy.respond(rx, from.getAddress(), receiveWallNanos, monoNanos, tx)) {
            case ANSWER -> {
                // Last thing before the send: the transmit timestamp (on the kernel path inside the
                // worker's send, once the destination and buffer are ready).
                if (worker == null) {
                    NtpRequestPolicy.stampTransmit(tx, time.wallNanos());
                }
                if (send(tx, from, worker, transmitStamp)) {
                    answered.increment();
                }
            }
            case KISS -> {
                rateLimited.increment();
                if (send(tx, from, worker, null)) {
                    kissesSent.increment();
                }
            }
            case RATE_LIMITED -> rateLimited.increment();
            case IGNORED -> ignored.increment();
            case MALFORMED -> droppedMalformed.increment();
        }
    }

    private boolean send(ByteBuffer tx, InetSocketAddress to, StampedDatagramSocket.Worker worker,
                         StampedDatagramSocket.TransmitStamp stamp) {
        try {
            boolean sent = worker == null ? channel.send(tx, to) != 0
                    : stamp != null ? worker.send(tx, to, stamp) : worker.send(tx, to);
            if (!sent) {
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
        return Addresses.format(new InetSocketAddress(address, port));
    }
}
