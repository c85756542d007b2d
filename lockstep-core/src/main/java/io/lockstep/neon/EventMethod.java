package io.lockstep.neon;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.net.NeonClient;
import io.lockstep.time.TimeSource;

/**
 * The event method of measuring a phone: {@code N} events posted without a timestamp, named
 * {@value #SYNC_EVENT_NAME} so they are recognizable in a recording, each stamped by the phone
 * somewhere inside its request; {@link EventEstimator} turns them into an offset with a bound
 * and the Pupil Labs median-of-midpoints beside it. Refuses while the phone records unless told
 * otherwise, so measuring never pollutes a recording by accident. Stateless and thread-safe.
 */
public final class EventMethod {

    /** Name of the events sent only to measure. */
    public static final String SYNC_EVENT_NAME = "lockstep.sync";

    /** Resolution of the stamps the Companion app gives events it stamps itself (truncated ms). */
    public static final long PHONE_STAMP_RESOLUTION_NANOS = 1_000_000L;

    /** The phone is recording and measuring was not allowed to add events to it. */
    public static final class RecordingRunningException extends IOException {
        public RecordingRunningException(String message) {
            super(message);
        }
    }

    private EventMethod() {
    }

    /**
     * Measures the phone behind {@code client} with {@code events} events after one discarded
     * warm-up event (it opens the connection).
     *
     * @param target               the phone, for the result
     * @param allowDuringRecording post even while the phone records (the events then land in the recording)
     * @param maxDriftPpm          largest drift between the clocks while the burst runs
     * @throws RecordingRunningException when the phone records and {@code allowDuringRecording} is false
     * @throws IOException               when the phone cannot be reached, refuses an event, or too
     *                                   few events came back
     */
    public static EventEstimator.Result measure(NeonClient client, String target, TimeSource local, int events,
                                                boolean allowDuringRecording, double maxDriftPpm) throws IOException {
        if (events < 1 || events > 10_000) {
            throw new IllegalArgumentException("events must be between 1 and 10000, got " + events);
        }
        if (!allowDuringRecording && client.status().recording()) {
            throw new RecordingRunningException("the phone at " + client.authority() + " is recording: events sent to"
                    + " measure (named " + SYNC_EVENT_NAME + ") would be saved in it; stop the recording first, or"
                    + " allow it with --allow-during-recording");
        }
        List<EventEstimator.StampedEvent> stamped = new ArrayList<>(events);
        int dropped = 0;
        for (int i = -1; i < events; i++) {
            NeonClient.TimedEvent e;
            try {
                e = client.postStampedEvent(SYNC_EVENT_NAME, local);
            } catch (SocketTimeoutException timeout) {
                if (i >= 0) {
                    dropped++;
                }
                if (dropped > events / 2) {
                    throw new IOException("too many events to " + client.authority() + " timed out: " + dropped
                            + " of " + (i + 1));
                }
                continue;
            }
            if (i >= 0) {
                stamped.add(new EventEstimator.StampedEvent(e.localSendWallNanos(), e.event().timestampNanos(),
                        e.localReceiveWallNanos()));
            }
            // A pause of up to 1 ms spreads the stamps over different phases of the phone's
            // millisecond, which is what lets the intersection shrink below it.
            LockSupport.parkNanos(100_000L + (System.nanoTime() & 0xFFFFF) % 900_000L);
        }
        if (stamped.isEmpty()) {
            throw new IOException("no event came back from " + client.authority());
        }
        EventEstimator.Result r = new EventEstimator(maxDriftPpm).estimate(target, stamped, dropped,
                PHONE_STAMP_RESOLUTION_NANOS);
        return new EventEstimator.Result(r.estimate().widenedBy(local.wallUncertaintyNanos()), r.seedOffsetNanos());
    }
}
