package io.lockstep.linux;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import io.lockstep.net.StampedDatagramSocket;

/**
 * A UDP socket opened with socket(2), with SO_TIMESTAMPNS on, read with recvmsg(2) and written
 * with sendto(2). Thread-safe: the descriptor is shared, every thread does its I/O through its own
 * {@link Worker}, and shutdown and close are idempotent and may come from any thread.
 *
 * <p>Memory: each worker allocates one fixed block of native memory (message header, I/O vector,
 * sender address, control area, destination address; 448 bytes) when it is created and reuses it
 * for every datagram, so a datagram allocates nothing native; datagram bytes go straight into the
 * caller's direct buffer. The block is freed when the worker is closed, after which the worker
 * refuses to work. A blocked recvmsg is woken by shutdown(2) (Linux wakes receivers of an unbound
 * or unconnected UDP socket too) and, as a backstop, returns at least every
 * {@link #RECEIVE_WAIT_MICROS} µs by SO_RCVTIMEO, so no thread is left blocked on a descriptor
 * that is about to be closed.
 */
final class LinuxStampedSocket implements StampedDatagramSocket {

    /** Longest single wait in recvmsg (SO_RCVTIMEO): bounds how long a missed wake-up can last. */
    static final int RECEIVE_WAIT_MICROS = 200_000;

    /**
     * Idle time after which a timestamped send is rehearsed first (see
     * {@link Worker#send(ByteBuffer, InetSocketAddress, TransmitStamp)}); busier sockets send
     * often enough to stay warm.
     */
    static final long REHEARSE_AFTER_IDLE_NANOS = 1_000_000L;

    /** A descriptor no socket has: sendto fails at once with EBADF and sends nothing. */
    private static final int NO_DESCRIPTOR = -1;

    private final int fd;
    private final int family;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean shutdown = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LinuxStampedSocket(int fd, int family, InetSocketAddress localAddress) {
        this.fd = fd;
        this.family = family;
        this.localAddress = localAddress;
    }

    /** Opens, configures and binds; throws UnsupportedOperationException if the kernel refuses SO_TIMESTAMPNS. */
    static LinuxStampedSocket open(InetSocketAddress address, int receiveBufferBytes) throws IOException {
        if (address.getAddress() == null) {
            throw new IOException("unresolved address " + address);
        }
        int family = address.getAddress() instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
        int fd = Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket: " + Libc.describe(Native.getLastError()));
        }
        try (Memory scratch = new Memory(SocketAddresses.STORAGE_BYTES + 16)) {
            ByteBuffer view = scratch.getByteBuffer(0, scratch.size()).order(ByteOrder.nativeOrder());
            setIntOption(fd, scratch, Libc.SOL_SOCKET, Libc.SO_RCVBUF, receiveBufferBytes, "SO_RCVBUF");
            if (family == Libc.AF_INET6) {
                // Dual stack, as DatagramChannel does: "::" serves IPv4 clients too.
                setIntOption(fd, scratch, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
            }
            scratch.setInt(0, 1);
            if (Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, scratch, 4) != 0) {
                throw new UnsupportedOperationException("the kernel refused SO_TIMESTAMPNS: "
                        + Libc.describe(Native.getLastError()));
            }
            // struct timeval {long tv_sec; long tv_usec;}
            scratch.setLong(0, 0);
            scratch.setLong(8, RECEIVE_WAIT_MICROS);
            if (Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, scratch, 16) != 0) {
                throw new IOException("SO_RCVTIMEO: " + Libc.describe(Native.getLastError()));
            }
            int length = SocketAddresses.encode(view, 0, family, address);
            if (Libc.bind(fd, scratch, length) != 0) {
                throw new IOException(Libc.describe(Native.getLastError()));
            }
            Pointer lengthInOut = scratch.share(SocketAddresses.STORAGE_BYTES);
            lengthInOut.setInt(0, SocketAddresses.STORAGE_BYTES);
            if (Libc.getsockname(fd, scratch, lengthInOut) != 0) {
                throw new IOException("getsockname: " + Libc.describe(Native.getLastError()));
            }
            InetSocketAddress bound = SocketAddresses.decode(view, 0, lengthInOut.getInt(0));
            if (bound == null) {
                throw new IOException("getsockname returned no IP address");
            }
            return new LinuxStampedSocket(fd, family, bound);
        } catch (IOException | RuntimeException | Error e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static void setIntOption(int fd, Memory scratch, int level, int name, int value, String what)
            throws IOException {
        scratch.setInt(0, value);
        if (Libc.setsockopt(fd, level, name, scratch, 4) != 0) {
            throw new IOException(what + ": " + Libc.describe(Native.getLastError()));
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public StampedDatagramSocket.Worker newWorker() {
        if (closed.get()) {
            throw new IllegalStateException("socket closed");
        }
        return new Worker();
    }

    @Override
    public void shutdown() {
        if (shutdown.compareAndSet(false, true) && !closed.get()) {
            // On an unconnected UDP socket this returns ENOTCONN but still wakes blocked receivers.
            Libc.shutdown(fd, Libc.SHUT_RDWR);
        }
    }

    @Override
    public void close() {
        shutdown();
        if (closed.compareAndSet(false, true)) {
            Libc.close(fd);
        }
    }

    /** Whether recvmsg/sendto may still be called on the descriptor. */
    private void checkOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("socket closed");
        }
    }

    /** One thread's native memory and I/O; see the class comment. Not thread-safe. */
    private final class Worker implements StampedDatagramSocket.Worker {

        // struct msghdr on LP64: name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
        private static final int MSG = 0;
        private static final int MSG_NAMELEN = MSG + 8;
        private static final int MSG_IOV = MSG + 16;
        private static final int MSG_IOVLEN = MSG + 24;
        private static final int MSG_CONTROL = MSG + 32;
        private static final int MSG_CONTROLLEN = MSG + 40;
        private static final int MSG_FLAGS = MSG + 48;
        // struct iovec: base 0, len 8.
        private static final int IOV = 64;
        private static final int NAME = 128;
        private static final int CONTROL = NAME + SocketAddresses.STORAGE_BYTES;
        /** Room for the timestamp message and some slack; anything longer is cut (MSG_CTRUNC). */
        private static final int CONTROL_BYTES = 64;
        private static final int DEST = CONTROL + CONTROL_BYTES;
        private static final int TOTAL = DEST + SocketAddresses.STORAGE_BYTES;

        private final Memory memory = new Memory(TOTAL);
        private final ByteBuffer view = memory.getByteBuffer(0, TOTAL).order(ByteOrder.nativeOrder());
        private final long base = Pointer.nativeValue(memory);

        private Buffer rxBuffer;
        private long rxAddress;
        private Buffer txBuffer;
        private long txAddress;
        /** The last sender, kept with its raw address so a repeat sender costs no allocation. */
        private final byte[] lastName = new byte[SocketAddresses.IN6_BYTES];
        private int lastNameBytes = -1;
        private InetSocketAddress lastSender;
        private InetSocketAddress lastDestination;
        private int lastDestinationBytes;
        private long receiveRealtimeNanos = NO_STAMP;
        /**
         * The sender {@link #receive} returned last, while its sockaddr still lies in the NAME
         * area as the kernel wrote it; null once that area may have been overwritten.
         */
        private InetSocketAddress lastReceivedFrom;
        /** When the last timestamped send began (monotonic ns). */
        private long lastStampedSendMono = System.nanoTime() - 2 * REHEARSE_AFTER_IDLE_NANOS;
        private int lastReceivedNameBytes;
        private boolean workerClosed;

        Worker() {
            memory.clear();
            view.putLong(MSG, base + NAME);
            view.putLong(MSG_IOV, base + IOV);
            view.putLong(MSG_IOVLEN, 1);
            view.putLong(MSG_CONTROL, base + CONTROL);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer rx, boolean block) throws IOException {
            checkUsable();
            receiveRealtimeNanos = NO_STAMP;
            lastReceivedFrom = null;
            if (shutdown.get()) {
                return null;
            }
            if (rx != rxBuffer) {
                rxAddress = directAddress(rx);
                rxBuffer = rx;
            }
            view.putLong(IOV, rxAddress + rx.position());
            view.putLong(IOV + 8, rx.remaining());
            // The kernel overwrites these three with what it returned: reset them every call.
            view.putInt(MSG_NAMELEN, SocketAddresses.STORAGE_BYTES);
            view.putLong(MSG_CONTROLLEN, CONTROL_BYTES);
            view.putInt(MSG_FLAGS, 0);
            long n = Libc.recvmsg(fd, base + MSG, block ? 0 : Libc.MSG_DONTWAIT);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == Libc.EAGAIN || errno == Libc.EINTR || shutdown.get()) {
                    return null;
                }
                throw new IOException("recvmsg: " + Libc.describe(errno));
            }
            int nameBytes = view.getInt(MSG_NAMELEN);
            if (nameBytes <= 0) {
                // After shutdown(2) recvmsg returns 0 bytes from nobody.
                return null;
            }
            InetSocketAddress from = sender(Math.min(nameBytes, SocketAddresses.STORAGE_BYTES));
            if (from == null) {
                return null;
            }
            lastReceivedFrom = from;
            lastReceivedNameBytes = Math.min(nameBytes, SocketAddresses.STORAGE_BYTES);
            long controlBytes = view.getLong(MSG_CONTROLLEN);
            receiveRealtimeNanos = ControlMessages.timestampNanos(view, CONTROL,
                    (int) Math.min(Math.max(controlBytes, 0), CONTROL_BYTES));
            rx.position(rx.position() + (int) n);
            return from;
        }

        private InetSocketAddress sender(int nameBytes) {
            if (nameBytes == lastNameBytes && lastSender != null) {
                boolean same = true;
                for (int i = 0; i < nameBytes && same; i++) {
                    same = view.get(NAME + i) == lastName[i];
                }
                if (same) {
                    return lastSender;
                }
            }
            InetSocketAddress from = SocketAddresses.decode(view, NAME, nameBytes);
            if (from != null && nameBytes <= lastName.length) {
                view.get(NAME, lastName, 0, nameBytes);
                lastNameBytes = nameBytes;
                lastSender = from;
            }
            return from;
        }

        @Override
        public long receiveRealtimeNanos() {
            return receiveRealtimeNanos;
        }

        @Override
        public boolean send(ByteBuffer tx, InetSocketAddress to) throws IOException {
            return send(tx, to, null);
        }

        @Override
        public boolean send(ByteBuffer tx, InetSocketAddress to, TransmitStamp stamp) throws IOException {
            checkUsable();
            if (tx != txBuffer) {
                txAddress = directAddress(tx);
                txBuffer = tx;
            }
            long toAddress;
            int toBytes;
            if (to == lastReceivedFrom) {
                // A reply: send to the sockaddr the kernel gave with the request, untouched. Nothing
                // to convert between the caller's transmit timestamp and the send, and no code path
                // that runs only for new clients (chronyd opens a new source port per request, so
                // for it every request is from a new client).
                toAddress = base + NAME;
                toBytes = lastReceivedNameBytes;
            } else {
                if (!to.equals(lastDestination)) {
                    lastDestination = null;
                    lastDestinationBytes = SocketAddresses.encode(view, DEST, family, to);
                    lastDestination = to;
                }
                toAddress = base + DEST;
                toBytes = lastDestinationBytes;
            }
            long data = txAddress + tx.position();
            long dataBytes = tx.remaining();
            if (stamp != null) {
                long nowMono = System.nanoTime();
                if (nowMono - lastStampedSendMono > REHEARSE_AFTER_IDLE_NANOS) {
                    // A rehearsal: the same native call on a descriptor that fails at once. After an
                    // idle spell (a client polling 4 times a second) the first call through JNA's
                    // dispatch and into the kernel runs from cold caches and took about 6 µs more,
                    // after the timestamp was read: chronyd counted it as network delay (11.8 µs
                    // against its own 5.8; rehearsed, 5.0). This call pays that price before it.
                    Libc.sendto(NO_DESCRIPTOR, data, dataBytes, 0, toAddress, toBytes);
                }
                lastStampedSendMono = nowMono;
                // Everything is ready: the stamp is the last thing before the kernel takes the datagram.
                stamp.stamp(tx);
            }
            long n = Libc.sendto(fd, data, dataBytes, 0, toAddress, toBytes);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == Libc.EAGAIN) {
                    return false;
                }
                throw new IOException("sendto " + to + ": " + Libc.describe(errno));
            }
            tx.position(tx.position() + (int) n);
            return true;
        }

        @Override
        public void close() {
            if (!workerClosed) {
                workerClosed = true;
                rxBuffer = null;
                txBuffer = null;
                memory.close();
            }
        }

        private void checkUsable() throws IOException {
            if (workerClosed) {
                throw new IllegalStateException("worker closed");
            }
            checkOpen();
        }

        private long directAddress(ByteBuffer b) {
            if (!b.isDirect()) {
                throw new IllegalArgumentException("buffer must be direct (the kernel reads and writes it in place)");
            }
            return Pointer.nativeValue(Native.getDirectBufferPointer(b));
        }
    }
}
