package io.lockstep;

import java.io.IOException;

import io.lockstep.measure.OffsetMeter;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;

/**
 * The front door of the library: one call to measure a remote clock once, one call to keep
 * following it. Targets are written as on the command line: {@code ntp://HOST[:PORT]},
 * {@code echo://HOST:PORT} or {@code neon://HOST[:PORT]}. Stateless and thread-safe.
 *
 * <pre>{@code
 * try (Tracker reference = Lockstep.track("ntp://192.168.1.10")) {
 *     ClockReading now = reference.awaitSynced(Duration.ofSeconds(30));
 *     System.out.println(now.referenceNanos() + " ± " + now.errorBoundNanos() + " ns");
 * }
 * }</pre>
 */
public final class Lockstep {

    private Lockstep() {
    }

    /**
     * Starts tracking {@code target} in the background at the default interval (1 s) and returns
     * the running tracker; close it to stop.
     *
     * @throws IllegalArgumentException when the target is malformed
     * @throws IOException              when it cannot be reached
     */
    public static Tracker track(String target) throws IOException {
        return track(target, TrackingOptions.defaults());
    }

    /** Starts tracking {@code target} in the background with {@code options}; close it to stop. */
    public static Tracker track(String target, TrackingOptions options) throws IOException {
        return Tracker.open(Target.parse(target), options).start();
    }

    /**
     * Measures {@code target} once, like the Pupil Labs client's {@code estimate_time_offset()}:
     * a burst of the protocol's default size, condensed into an estimate with an error bound. The
     * burst keeps to a pace public servers accept (for NTP, 4 requests 2 s apart, so about 6 s);
     * for a server of your own, {@code new OffsetMeter().forOwnServer()} bursts fast.
     *
     * @throws IOException with a one-line message when the target cannot be measured
     */
    public static OffsetEstimate measure(String target) throws IOException {
        return new OffsetMeter().measure(Target.parse(target));
    }
}
