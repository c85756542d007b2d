package io.lockstep.internal.echo;

/**
 * A decoded Time Echo reply. Immutable.
 *
 * @param echoedMillis the client's value as the server sent it back
 * @param serverMillis the server's wall time in ms (truncated), read while answering
 */
public record EchoReply(long echoedMillis, long serverMillis) {
}
