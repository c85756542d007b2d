package io.lockstep.neon;

/**
 * An event posted to a phone with a timestamp converted from a local instant. Immutable.
 *
 * @param target              the phone ({@code neon://HOST:PORT})
 * @param name                the event's name
 * @param localWallNanos      the local instant the event marks (Unix ns, this host's clock)
 * @param phoneTimestampNanos the timestamp the phone stored: {@code localWallNanos − offsetNanos}
 * @param errorBoundNanos     the phone's clock read within {@code phoneTimestampNanos ± errorBoundNanos}
 *                            at the local instant
 * @param offsetNanos         the offset used, {@code local − phone}
 * @param offsetSource        where that offset came from
 * @param recordingId         the recording the phone saved the event in, or null (no recording
 *                            ran: the Companion app discards such events)
 */
public record MarkedEvent(String target, String name, long localWallNanos, long phoneTimestampNanos,
                          long errorBoundNanos, long offsetNanos, String offsetSource, String recordingId) {
}
