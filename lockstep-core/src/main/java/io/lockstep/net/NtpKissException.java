package io.lockstep.net;

import io.lockstep.protocol.TimeProbe;

/**
 * A server answered with a kiss-o'-death that tells this client to stop (RFC 5905 §7.4):
 * {@code RATE} (asking too often), {@code DENY} or {@code RSTR} (access refused). The message is
 * one line fit for the CLI. Immutable.
 */
public final class NtpKissException extends TimeProbe.RefusedException {

    private final String kissCode;

    public NtpKissException(String server, String kissCode) {
        super(describe(server, kissCode), "RATE".equals(kissCode));
        this.kissCode = kissCode;
    }

    /** The four-letter kiss code, e.g. {@code RATE}. */
    public String kissCode() {
        return kissCode;
    }

    private static String describe(String server, String code) {
        return switch (code) {
            case "RATE" -> "NTP server " + server + " sent kiss-o'-death RATE: it limits how often we may ask; "
                    + "wait and use fewer --samples";
            case "DENY", "RSTR" -> "NTP server " + server + " sent kiss-o'-death " + code
                    + ": it refuses to serve this host";
            default -> "NTP server " + server + " sent kiss-o'-death " + code;
        };
    }
}
