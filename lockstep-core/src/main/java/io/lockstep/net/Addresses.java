package io.lockstep.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Formats socket addresses the way people write them: {@code 127.0.0.1:123}, {@code [::1]:123}
 * (IPv6 with the longest zero run compressed, as RFC 5952 recommends). Stateless, thread-safe.
 */
public final class Addresses {

    private Addresses() {
    }

    /** {@code HOST:PORT}, with IPv6 literals compressed and in brackets. */
    public static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip == null ? a.getHostString() : format(ip);
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** An address literal, IPv6 compressed ({@code ::1}, {@code fe80::1}). */
    public static String format(InetAddress ip) {
        if (!(ip instanceof Inet6Address v6)) {
            return ip.getHostAddress();
        }
        byte[] b = v6.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        String zone = v6.getScopeId() != 0 ? "%" + v6.getScopeId() : "";
        return sb + zone;
    }
}
