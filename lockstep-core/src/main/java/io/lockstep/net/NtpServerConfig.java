package io.lockstep.net;

import java.net.InetAddress;
import java.util.Objects;

import io.lockstep.internal.ntp.NtpPacket;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * Everything an {@link NtpServer} needs to know: the clock it serves, where it listens, what it
 * says about itself (stratum, reference ID, root delay and dispersion, leap) and how it protects
 * itself (rate limit). Immutable; build one with {@link #builder(TimeSource)}.
 *
 * <p>The defaults describe an undisciplined local clock, like chrony's {@code local stratum 10}:
 * stratum 10, reference ID 127.127.1.1, root delay and dispersion zero, no leap warning.
 *
 * @param timeSource          the clock served (e.g. a {@code SimulatedTimeSource} for --simulate-offset)
 * @param bindAddress         address to bind; the IPv6 wildcard {@code ::} serves IPv4 and IPv6
 * @param port                UDP port; 0 picks a free one ({@link NtpServer#port()} tells which)
 * @param stratum             1–15
 * @param referenceId         raw reference ID; for stratum 1 an ASCII code such as {@code LOCL}
 * @param rootDelayNanos      round trip to the primary reference claimed in replies
 * @param rootDispersionNanos error up to the primary reference claimed in replies
 * @param leapIndicator       0–3, see {@link NtpPacket#leapIndicator()}
 * @param precisionLog2       precision field; {@code null} to measure the clock read cost at start
 * @param rateLimit           per-client limit
 * @param threads             receiving threads sharing the socket (1–16)
 * @param busyPoll            poll the socket in a busy loop instead of blocking: see below
 * @param receiveTimestamps   where receive timestamps come from: the kernel when a
 *                            {@link DatagramTransport} is installed and works here (default
 *                            {@link ReceiveTimestamps#AUTO}), or user space
 * @param warmUp              exercise the serving code in the background at start (once per JVM),
 *                            so the JIT compiler has compiled it before real clients arrive;
 *                            interpreted code between the socket and the clock read adds
 *                            hundreds of µs to the receive timestamp of the first requests
 *
 * <p>Why busy polling: without a {@link DatagramTransport} (the optional {@code lockstep-linux}
 * module), Java cannot read the kernel's receive timestamp (SO_TIMESTAMPNS), so the server stamps
 * a request when its thread gets the datagram. A thread blocked in receive is
 * woken up by the scheduler, which takes 5–20 µs on an idle bare-metal host and 50–200 µs in
 * a virtual machine or on a busy host; the receive timestamp is late by that much and every
 * client sees the server ahead by half of it. A busy-polling thread sees the datagram within a
 * microsecond or two, at the cost of one CPU core kept busy. chronyd does not need this because
 * it reads kernel timestamps, and neither does Lockstep when kernel timestamps are active (busy
 * polling then only shortens the reply's latency, which does not bias the offset). Off by default.
 */
public record NtpServerConfig(TimeSource timeSource, InetAddress bindAddress, int port, int stratum, int referenceId,
                              long rootDelayNanos, long rootDispersionNanos, int leapIndicator, Integer precisionLog2,
                              NtpRateLimit rateLimit, int threads, boolean busyPoll,
                              ReceiveTimestamps receiveTimestamps, boolean warmUp) {

    /** Default stratum, as chrony's {@code local} directive. */
    public static final int DEFAULT_STRATUM = 10;
    /** chrony's and ntpd's reference ID for an undisciplined local clock: 127.127.1.1. */
    public static final int LOCAL_REFERENCE_ID = 0x7F7F0101;

    public NtpServerConfig {
        Objects.requireNonNull(timeSource, "timeSource");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(receiveTimestamps, "receiveTimestamps");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("NTP port " + port + " is out of range 0-65535");
        }
        if (stratum < 1 || stratum > 15) {
            throw new IllegalArgumentException("stratum " + stratum + " is out of range 1-15");
        }
        if (leapIndicator < 0 || leapIndicator > 3) {
            throw new IllegalArgumentException("leap indicator " + leapIndicator + " is out of range 0-3");
        }
        if (rootDelayNanos < 0 || rootDispersionNanos < 0) {
            throw new IllegalArgumentException("root delay and dispersion must not be negative");
        }
        if (precisionLog2 != null && (precisionLog2 < -32 || precisionLog2 > 0)) {
            throw new IllegalArgumentException("precision " + precisionLog2 + " is out of range -32..0");
        }
        if (threads < 1 || threads > 16) {
            throw new IllegalArgumentException("threads " + threads + " is out of range 1-16");
        }
    }

    /** A builder serving {@code timeSource} on 127.0.0.1, port 123, with the defaults above. */
    public static Builder builder(TimeSource timeSource) {
        return new Builder(timeSource);
    }

    /** Builds an {@link NtpServerConfig}. Not thread-safe. */
    public static final class Builder {
        private final TimeSource timeSource;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port = Target.NTP_DEFAULT_PORT;
        private int stratum = DEFAULT_STRATUM;
        private Integer referenceId;
        private long rootDelayNanos;
        private long rootDispersionNanos;
        private int leapIndicator = NtpPacket.LEAP_NONE;
        private Integer precisionLog2;
        private NtpRateLimit rateLimit = NtpRateLimit.DEFAULT;
        private int threads = 1;
        private boolean busyPoll;
        private ReceiveTimestamps receiveTimestamps = ReceiveTimestamps.AUTO;
        private boolean warmUp = true;

        private Builder(TimeSource timeSource) {
            this.timeSource = timeSource;
        }

        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Stratum 1–15; for stratum 1 the default reference ID becomes {@code LOCL}. */
        public Builder stratum(int stratum) {
            this.stratum = stratum;
            return this;
        }

        public Builder referenceId(int referenceId) {
            this.referenceId = referenceId;
            return this;
        }

        public Builder rootDelayNanos(long nanos) {
            this.rootDelayNanos = nanos;
            return this;
        }

        public Builder rootDispersionNanos(long nanos) {
            this.rootDispersionNanos = nanos;
            return this;
        }

        public Builder leapIndicator(int leapIndicator) {
            this.leapIndicator = leapIndicator;
            return this;
        }

        public Builder precisionLog2(Integer precisionLog2) {
            this.precisionLog2 = precisionLog2;
            return this;
        }

        public Builder rateLimit(NtpRateLimit rateLimit) {
            this.rateLimit = rateLimit;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Busy-poll the socket for microsecond receive timestamps (one core busy per thread). */
        public Builder busyPoll(boolean busyPoll) {
            this.busyPoll = busyPoll;
            return this;
        }

        /** Kernel or user-space receive timestamps (default {@link ReceiveTimestamps#AUTO}: kernel where possible). */
        public Builder receiveTimestamps(ReceiveTimestamps receiveTimestamps) {
            this.receiveTimestamps = receiveTimestamps;
            return this;
        }

        /** Warm up the JIT in the background at start (default on). */
        public Builder warmUp(boolean warmUp) {
            this.warmUp = warmUp;
            return this;
        }

        public NtpServerConfig build() {
            int refId = referenceId != null ? referenceId
                    : stratum == 1 ? NtpPacket.referenceIdOf("LOCL") : LOCAL_REFERENCE_ID;
            return new NtpServerConfig(timeSource, bindAddress, port, stratum, refId, rootDelayNanos,
                    rootDispersionNanos, leapIndicator, precisionLog2, rateLimit, threads, busyPoll, receiveTimestamps,
                    warmUp);
        }
    }
}
