package io.lockstep.protocol;

import java.io.Closeable;
import java.io.IOException;


/**
 * An open channel to one remote clock that performs single time exchanges: the common shape of
 * the Time Echo and NTP clients, used by one-shot measurement ({@code lockstep offset}) and by
 * continuous tracking alike. Not thread-safe: one caller at a time.
 */
public interface TimeProbe extends Closeable {

    /**
     * Performs one exchange.
     *
     * @return the sample
     * @throws DroppedSampleException when this exchange failed but the channel is still usable
     *         (echo mismatch, short reply, a reply that timed out); callers count and go on
     * @throws IOException when the channel is broken or the peer is not the expected server
     */
    TimeSample exchange() throws IOException;

    /** The protocol spoken. */
    Protocol protocol();

    /** Resolution of the remote timestamps in ns (1 ms for Time Echo). */
    long remoteResolutionNanos();

    /**
     * Mean pause a burst should leave between exchanges, in ns. Protocols with coarse remote
     * timestamps (Time Echo's whole milliseconds) gain from exchanges spread at random phases
     * across the remote clock's ticks; 0 means back to back.
     */
    default long burstSpacingNanos() {
        return 0;
    }

    /**
     * Thrown when the remote refuses to serve this client (an NTP kiss-o'-death, say). With
     * {@link #slowDown()} it only asks for fewer requests: a burst stops and keeps what it has,
     * a tracker backs off; otherwise it refuses outright.
     */
    class RefusedException extends IOException {
        private final boolean slowDown;

        public RefusedException(String message, boolean slowDown) {
            super(message);
            this.slowDown = slowDown;
        }

        /** True when the remote asks this client to ask less often rather than go away. */
        public boolean slowDown() {
            return slowDown;
        }
    }

    /** Thrown for one failed exchange that should be counted as dropped, not abort the run. */
    final class DroppedSampleException extends IOException {
        public DroppedSampleException(String reason) {
            super(reason);
        }
    }
}
