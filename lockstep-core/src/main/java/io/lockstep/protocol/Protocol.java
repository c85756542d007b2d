package io.lockstep.protocol;

import java.io.IOException;
import java.util.List;

import io.lockstep.time.TimeSource;

/**
 * Everything Lockstep knows about one way of measuring a remote clock: its URL scheme and
 * default port, how to open a {@link TimeProbe} to a {@link Target}, how many exchanges a
 * one-shot burst takes, and which estimator condenses a burst into an {@link OffsetEstimate}.
 * Measuring ({@code io.lockstep.measure}) and tracking ({@code io.lockstep.track}) ask the
 * target's protocol instead of comparing scheme strings, so adding a protocol is one new
 * implementation plus one entry in a {@link Protocols} registry. Implementations are immutable
 * and thread-safe.
 */
public interface Protocol {

    /** The URL scheme, lower case, e.g. {@code ntp}. */
    String scheme();

    /** The protocol's name in messages, e.g. {@code NTP} or {@code Time Echo}. */
    default String displayName() {
        return scheme().toUpperCase(java.util.Locale.ROOT);
    }

    /** The port a target without {@code :PORT} gets, or 0 when a target must name its port. */
    int defaultPort();

    /** How a target of this protocol is written, for help and error messages, e.g. {@code ntp://HOST[:PORT]}. */
    default String form() {
        return scheme() + "://HOST" + (defaultPort() == 0 ? ":PORT" : "[:PORT]");
    }

    /**
     * Opens (and connects, for connection-oriented protocols) a probe to {@code target}.
     *
     * @param local        the local clock the probe stamps its exchanges with
     * @param timeoutNanos connect and per-exchange timeout
     * @throws IOException with a one-line message when the target cannot be reached or resolved
     */
    TimeProbe open(Target target, TimeSource local, long timeoutNanos) throws IOException;

    /** Exchanges in a one-shot burst unless the user says otherwise. */
    int defaultSamples();

    /** Most exchanges a one-shot burst may ask for (servers rate-limit; memory is finite). */
    default int maxSamples() {
        return 1_000_000;
    }

    /**
     * The limits a one-shot burst keeps to towards a server the user does not own, or null when
     * this protocol's servers need none (they are the user's own devices, e.g. a Companion app).
     */
    default PublicServerPace publicServerPace() {
        return null;
    }

    /**
     * Fewest valid samples of {@code requested} for a burst to count, unless the server asked to
     * slow down: 1 by default (any answered exchange is a measurement).
     */
    default int minValidSamples(int requested) {
        return 1;
    }

    /**
     * Exchanges sent and discarded before a burst: the first one pays for connection set-up and
     * cold caches. 0 for connectionless protocols whose first exchange is as good as any.
     */
    default int warmUpExchanges() {
        return 0;
    }

    /**
     * Exchanges condensed into one tracking sample ({@code track --burst}'s default): more than
     * one for protocols whose coarse timestamps need several phases to narrow each other.
     */
    default int trackingExchanges() {
        return 1;
    }

    /** Shortest interval a tracker may poll this protocol at, in ns: politeness towards servers. */
    default long minTrackingIntervalNanos() {
        return 1_000_000L;
    }

    /**
     * Condenses a burst of valid samples into one estimate. Pure: no clocks read, no I/O.
     *
     * @param target         what was measured
     * @param samples        the valid samples, in the order taken (not empty)
     * @param dropped        exchanges that failed
     * @param dropSummary    why they failed, one line (empty when none did)
     * @param maxDriftPpm    largest drift between the clocks assumed while the burst ran
     */
    OffsetEstimate estimate(Target target, List<TimeSample> samples, int dropped, String dropSummary,
                            double maxDriftPpm);

    /**
     * True when several targets of this protocol can be measured together and their confidence
     * intervals intersected (NTP's source selection); false for protocols measured one at a time.
     */
    default boolean combinesSources() {
        return false;
    }

    /** What the per-sample statistics of an estimate are called in human output. */
    default String statisticsLabel() {
        return "all samples";
    }
}
