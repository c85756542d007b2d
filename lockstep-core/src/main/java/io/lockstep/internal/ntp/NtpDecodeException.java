package io.lockstep.internal.ntp;

/**
 * The one error {@link NtpCodec#decode} throws: the bytes are not a well-formed NTP packet
 * (too short, or a malformed extension field or MAC after the header). Servers count and drop
 * such datagrams; clients treat them as a failed exchange. Immutable.
 */
public final class NtpDecodeException extends Exception {

    public NtpDecodeException(String message) {
        super(message);
    }
}
