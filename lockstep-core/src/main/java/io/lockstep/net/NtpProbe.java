package io.lockstep.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.SplittableRandom;

import io.lockstep.internal.ntp.NtpCodec;
import io.lockstep.internal.ntp.NtpDecodeException;
import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.internal.ntp.NtpReplyCheck;
import io.lockstep.internal.ntp.NtpTimestamp;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.Protocols;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.time.TimeSource;

/**
 * One NTP client association over UDP performing single request/reply exchanges (RFC 5905 client
 * mode), as a {@link TimeProbe} so one-shot measurement and continuous tracking can both use NTP.
 * Not thread-safe: one exchange at a time.
 *
 * <p>Each request carries a random transmit timestamp instead of the local time, so the request
 * does not reveal this host's clock; the local send time is kept here. A reply counts only if
 * its origin timestamp equals that random value (which defeats stale, duplicated and spoofed
 * replies) and it comes from the server's address and port.
 *
 * <p>Waiting for the reply: the probe first polls its socket in a busy loop for up to
 * {@link #SPIN_NANOS} and only then blocks. A reply on a LAN arrives well within that window,
 * and a spinning thread sees it on its next poll, whereas a blocked thread is woken by the
 * scheduler late (on this project's 2-core VM, server-side stamps taken after a wake-up were
 * 40–190 µs late; see docs/precision/ntp.md) — a delay that would be read as part of the
 * return leg and bias the offset by half of it.
 *
 * <p>What a reply means (kiss codes, unsynchronised servers, the sample and its sign) is decided
 * by {@link NtpReplyCheck}, without sockets; this class only moves datagrams and stamps them.
 */
public final class NtpProbe implements TimeProbe {

    /**
     * Mean pause between the requests of a fast burst (own servers, and {@code track --burst}):
     * 2 ms, within Lockstep's own default rate limit but not within a public server's.
     */
    public static final long BURST_SPACING_NANOS = 2_000_000L;

    /** How long to busy-poll for a reply before blocking. */
    public static final long SPIN_NANOS = 20_000_000L;

    private static final SplittableRandom SEED = new SplittableRandom(new SecureRandom().nextLong());

    private final String label;
    private final InetSocketAddress server;
    private final TimeSource local;
    private final long timeoutNanos;
    private final int version;
    private final DatagramChannel channel;
    private final Selector selector;
    private final SplittableRandom random;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(2048);
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
    private NtpPacket lastReply;

    private NtpProbe(String label, InetSocketAddress server, TimeSource local, long timeoutNanos, int version)
            throws IOException {
        if (version < 3 || version > 4) {
            throw new IllegalArgumentException("NTP version " + version + " is not 3 or 4");
        }
        if (timeoutNanos < 1_000_000L) {
            throw new IllegalArgumentException("NTP timeout must be at least 1 ms");
        }
        this.label = label;
        this.server = server;
        this.local = local;
        this.timeoutNanos = timeoutNanos;
        this.version = version;
        this.channel = DatagramChannel.open();
        try {
            // Connecting filters out datagrams from any other address and port, and lets the kernel
            // report an ICMP port unreachable as an exception instead of a silent timeout.
            channel.connect(server);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        Selector opened = null;
        try {
            opened = Selector.open();
            channel.register(opened, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            channel.close();
            throw e;
        }
        this.selector = opened;
        synchronized (SEED) {
            this.random = SEED.split();
        }
    }

    /**
     * Opens a probe to an {@code ntp://} target.
     *
     * @throws IOException with a one-line message when the host cannot be resolved
     */
    public static NtpProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException {
        return open(target, local, timeoutNanos, 4);
    }

    /**
     * Opens a probe to an {@code ntp://} target speaking NTP {@code version} (3 or 4).
     *
     * @throws IOException with a one-line message when the host cannot be resolved
     */
    public static NtpProbe open(Target target, TimeSource local, long timeoutNanos, int version) throws IOException {
        if (!"ntp".equals(target.protocol().scheme())) {
            throw new IllegalArgumentException("not an ntp:// target: " + target);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(target.host());
        } catch (UnknownHostException e) {
            throw new IOException("cannot resolve NTP host '" + target.host() + "'", e);
        }
        return open(new InetSocketAddress(address, target.port()), local, timeoutNanos, version);
    }

    /** Opens a probe to a server address, speaking NTP {@code version} (3 or 4). */
    public static NtpProbe open(InetSocketAddress server, TimeSource local, long timeoutNanos, int version)
            throws IOException {
        String label = io.lockstep.net.Addresses.format(server);
        return new NtpProbe(label, server, local, timeoutNanos, version);
    }

    /** {@code host:port} of the server, for messages. */
    public String serverLabel() {
        return label;
    }

    /** The server reply of the last successful exchange (root delay, dispersion, precision, stratum), or null. */
    NtpPacket lastReply() {
        return lastReply;
    }

    /**
     * Sends one request and waits up to the timeout for its reply.
     *
     * @throws DroppedSampleException on a timeout or an unusable reply (unsynchronised server,
     *         bogus timestamps, a kiss code other than those below)
     * @throws NtpKissException on a RATE, DENY or RSTR kiss-o'-death: stop asking this server
     * @throws IOException when no server listens at the address (ICMP port unreachable)
     */
    @Override
    public TimeSample exchange() throws IOException {
        long transmitBits = random.nextLong();
        if (transmitBits == 0) {
            transmitBits = 1;
        }
        NtpTimestamp transmit = new NtpTimestamp(transmitBits);
        sendBuffer.clear();
        NtpCodec.encode(NtpPacket.clientRequest(version, 0, transmit), sendBuffer);
        sendBuffer.flip();
        // Anything still queued is a late reply to an earlier request: discard it first.
        drain();
        long startMono = System.nanoTime();
        long deadlineMono = startMono + timeoutNanos;
        long t1 = local.wallNanos();
        try {
            channel.write(sendBuffer);
        } catch (PortUnreachableException e) {
            throw unreachable();
        }
        while (true) {
            receiveBuffer.clear();
            int n;
            try {
                n = channel.read(receiveBuffer);
            } catch (PortUnreachableException e) {
                throw unreachable();
            }
            if (n <= 0) {
                long now = System.nanoTime();
                if (now - deadlineMono >= 0) {
                    throw new DroppedSampleException("timeout");
                }
                if (now - startMono < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    long leftMillis = Math.max(1, (deadlineMono - now + 999_999) / 1_000_000);
                    selector.select(leftMillis);
                    selector.selectedKeys().clear();
                }
                continue;
            }
            // Straight after the read, and only when something came: empty polls read no clocks.
            long t4 = local.wallNanos();
            receiveBuffer.flip();
            NtpPacket reply;
            try {
                reply = NtpCodec.decode(receiveBuffer);
            } catch (NtpDecodeException e) {
                continue;
            }
            if (!NtpReplyCheck.answers(reply, transmit)) {
                // Not the answer to this request (a late reply to an earlier one, or forged): keep waiting.
                continue;
            }
            return accept(reply, t1, t4);
        }
    }

    private void drain() throws IOException {
        for (int i = 0; i < 64; i++) {
            receiveBuffer.clear();
            try {
                if (channel.read(receiveBuffer) <= 0) {
                    return;
                }
            } catch (PortUnreachableException e) {
                // A leftover error from an earlier request; the send below will tell again if it persists.
                return;
            }
        }
    }

    private TimeSample accept(NtpPacket reply, long t1, long t4) throws IOException {
        NtpReplyCheck.Outcome outcome = NtpReplyCheck.check(reply, t1, t4);
        if (outcome instanceof NtpReplyCheck.Kiss kiss) {
            throw new NtpKissException(label, kiss.code());
        }
        if (outcome instanceof NtpReplyCheck.Dropped dropped) {
            throw new DroppedSampleException(dropped.reason());
        }
        lastReply = reply;
        return ((NtpReplyCheck.Accepted) outcome).sample();
    }

    private IOException unreachable() {
        // An ICMP port unreachable arrives at once, so the timeout plays no part in it.
        return new IOException("no NTP reply from " + label + ": port unreachable (ICMP); is an NTP server running there?");
    }

    @Override
    public Protocol protocol() {
        return Protocols.standard().find("ntp").orElseThrow();
    }

    /** Pauses a burst leaves between requests: well within a default {@link io.lockstep.net.NtpRateLimit}. */
    @Override
    public long burstSpacingNanos() {
        return BURST_SPACING_NANOS;
    }

    /** NTP timestamps resolve 2^−32 s; after rounding to ns, 1 ns. The server's precision is reported separately. */
    @Override
    public long remoteResolutionNanos() {
        return 1;
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
