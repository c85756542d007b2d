package io.lockstep.protocol;

/**
 * How a one-shot burst treats a server someone else runs (a public NTP server, a pool member, a
 * campus time server): at most {@code maxSamples} requests, {@code defaultSamples} unless the
 * caller asks otherwise, each sent at least {@code spacingNanos} after the one before. A burst
 * within these limits is one the server's operators accept and its rate limit never answers
 * with silence or a kiss-o'-death. Servers the user runs are exempt (see
 * {@code OffsetMeter#forOwnServer()}). Immutable.
 *
 * @param defaultSamples requests in a burst unless asked otherwise (≥ 1)
 * @param maxSamples     most requests in one burst (≥ {@code defaultSamples})
 * @param spacingNanos   least time between two requests' sends, in monotonic ns (≥ 0)
 */
public record PublicServerPace(int defaultSamples, int maxSamples, long spacingNanos) {

    public PublicServerPace {
        if (defaultSamples < 1 || maxSamples < defaultSamples || spacingNanos < 0) {
            throw new IllegalArgumentException("need 1 <= defaultSamples <= maxSamples and spacing >= 0");
        }
    }
}
