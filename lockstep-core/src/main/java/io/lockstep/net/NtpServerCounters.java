package io.lockstep.net;

/**
 * A snapshot of what an {@link NtpServer} did with the datagrams it received. Immutable.
 *
 * @param answered         client requests answered with time
 * @param droppedMalformed datagrams that were not well-formed NTP packets
 * @param ignored          well-formed packets that are not client requests of version 3 or 4
 *                         (control queries, symmetric, broadcast, other versions); never answered
 * @param rateLimited      requests over their client's rate limit (kissed or silently dropped)
 * @param kissesSent       RATE kiss-o'-death replies sent (a subset of {@code rateLimited})
 * @param sendErrors       replies the operating system refused to send
 */
public record NtpServerCounters(long answered, long droppedMalformed, long ignored, long rateLimited,
                                long kissesSent, long sendErrors) {
}
