package io.lockstep.internal.ntp;

import io.lockstep.internal.ClockPrecision;
import io.lockstep.protocol.TimeSample;

/**
 * Decides what a client makes of a decoded NTP server reply (RFC 5905 §8 and §7.4), without
 * sockets: whether it answers our request at all, whether it is a kiss-o'-death that tells us to
 * stop, whether the server is fit to be believed, and, if so, the {@link TimeSample} it yields.
 * Pure and stateless, so thread-safe; {@code io.lockstep.net.NtpProbe} does the I/O around it.
 *
 * <p>Sign: the sample has t1 = local send, t2 = server receive, t3 = server transmit, t4 = local
 * receive, so its {@code offsetNanos()} is Lockstep's {@code local − remote}: NTP's θ negated.
 */
public final class NtpReplyCheck {

    /** What one reply amounts to. */
    public sealed interface Outcome permits Accepted, Dropped, Kiss {
    }

    /** A usable reply and its sample. */
    public record Accepted(TimeSample sample) implements Outcome {
    }

    /** An unusable reply: count it as a dropped exchange and go on. */
    public record Dropped(String reason) implements Outcome {
    }

    /** A RATE, DENY or RSTR kiss-o'-death: the server asks us to slow down or go away. */
    public record Kiss(String code) implements Outcome {
        /** True for RATE, which asks only for fewer requests. */
        public boolean slowDown() {
            return code.equals("RATE");
        }
    }

    private NtpReplyCheck() {
    }

    /**
     * True when {@code reply} is a server-mode answer to the request whose transmit timestamp was
     * {@code sentTransmit}; anything else (a late answer to an earlier request, a forgery) is not
     * for us and is ignored without counting.
     */
    public static boolean answers(NtpPacket reply, NtpTimestamp sentTransmit) {
        return reply.mode() == NtpPacket.MODE_SERVER && reply.originTimestamp().equals(sentTransmit);
    }

    /**
     * Judges an answer to our request.
     *
     * @param reply the decoded reply, already known to {@linkplain #answers answer} the request
     * @param t1    local wall time the request left (ns); also the era pivot for the server's stamps
     * @param t4    local wall time the reply arrived (ns)
     */
    public static Outcome check(NtpPacket reply, long t1, long t4) {
        if (reply.stratum() == NtpPacket.STRATUM_KISS && reply.referenceId() != 0) {
            String code = reply.kissCode();
            if (code.equals("RATE") || code.equals("DENY") || code.equals("RSTR")) {
                return new Kiss(code);
            }
            return new Dropped("kiss-o'-death " + code);
        }
        if (reply.leapIndicator() == NtpPacket.LEAP_UNSYNCHRONIZED || reply.stratum() == NtpPacket.STRATUM_KISS
                || reply.stratum() >= NtpPacket.STRATUM_UNSYNCHRONIZED) {
            return new Dropped("server unsynchronised (leap " + reply.leapIndicator() + ", stratum "
                    + reply.stratum() + ")");
        }
        if (reply.receiveTimestamp().isZero() || reply.transmitTimestamp().isZero()) {
            return new Dropped("reply without timestamps");
        }
        // The local clock is the era pivot: right for any server within 68 years of it.
        long t2 = reply.receiveTimestamp().toWallNanos(t1);
        long t3 = reply.transmitTimestamp().toWallNanos(t1);
        if (t3 < t2 || t4 < t1) {
            return new Dropped("bogus timestamps");
        }
        return new Accepted(new TimeSample(t1, t2, t3, t4, 1, distanceNanos(reply)));
    }

    /**
     * How far the server's clock may be from true time by its own account: its root distance
     * (root delay / 2 + root dispersion) plus its precision (the granularity of its stamps).
     */
    public static long distanceNanos(NtpPacket reply) {
        return reply.rootDelay().toNanos() / 2 + reply.rootDispersion().toNanos()
                + ClockPrecision.nanosOfLog2(reply.precision());
    }
}
