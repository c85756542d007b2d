package io.lockstep.fleet;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An address range written as CIDR ({@code 10.0.0.0/24}, {@code fd00::/120}, or one address),
 * capped at {@value #MAX_ADDRESSES} addresses (an IPv4 /22) so a typo cannot turn a scan into a
 * sweep of someone else's network. {@link #addresses()} lists exactly the addresses inside it,
 * leaving out an IPv4 network's network and broadcast addresses. Immutable.
 */
public record CidrRange(String text, InetAddress base, int prefix) {

    /** Most addresses a range may hold. */
    public static final int MAX_ADDRESSES = 1024;

    /**
     * Parses a range.
     *
     * @throws IllegalArgumentException with a one-line reason, also for a range larger than the cap
     */
    public static CidrRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--scan needs a range such as 192.168.1.0/24");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!addr.matches("[0-9A-Fa-f:.]+") || (!addr.contains(":") && !addr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
            throw new IllegalArgumentException("'" + t + "' is not an address range; write e.g. 192.168.1.0/24");
        }
        // Parsed here, never by InetAddress.getByName: a string it does not take as a literal
        // (300.1.1.1, fd00:::1) becomes a host name, and so a DNS query before any error.
        byte[] raw = addr.contains(":") ? ipv6(addr) : ipv4(addr);
        InetAddress ip;
        try {
            ip = InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
        int bits = raw.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + t + "': the prefix length must be a number 0-" + bits);
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("'" + t + "': the prefix length must be 0-" + bits);
            }
        }
        int hostBits = bits - prefix;
        int minPrefix = bits - Integer.numberOfTrailingZeros(MAX_ADDRESSES);
        if (hostBits > Integer.numberOfTrailingZeros(MAX_ADDRESSES)) {
            throw new IllegalArgumentException("--scan " + t + " spans " + (hostBits > 40 ? "2^" + hostBits
                    : Long.toString(1L << hostBits)) + " addresses; the limit is " + MAX_ADDRESSES + " (a /" + minPrefix
                    + "): name a smaller range");
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE).not();
        BigInteger base = new BigInteger(1, ip.getAddress()).and(mask);
        return new CidrRange(t, toAddress(base, ip.getAddress().length), prefix);
    }

    /** Four decimal octets 0-255 without leading zeros (which some parsers read as octal). */
    static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address (four numbers 0-255)");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address (four numbers 0-255)");
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                throw new IllegalArgumentException("'" + text + "': '" + p + "' has a leading zero; write it in decimal");
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address: " + v + " is more than 255");
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** RFC 4291 text: eight groups of 1-4 hex digits, one {@code ::} at most, an IPv4 tail allowed; no zone. */
    static byte[] ipv6(String text) {
        String bad = "'" + text + "' is not an IP address";
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException(bad + ": more than one '::'");
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        java.util.List<Integer> front = groups(head, bad, gap < 0 || tail.isEmpty());
        java.util.List<Integer> back = groups(tail, bad, true);
        // An IPv4 tail (::ffff:10.0.0.1) counts as two groups; it may only end the address.
        if (gap < 0 && front.size() != 8 || gap >= 0 && front.size() + back.size() > 7) {
            throw new IllegalArgumentException(bad + ": IPv6 has eight groups, or fewer with '::'");
        }
        byte[] out = new byte[16];
        for (int i = 0; i < front.size(); i++) {
            out[2 * i] = (byte) (front.get(i) >> 8);
            out[2 * i + 1] = (byte) (int) front.get(i);
        }
        for (int i = 0; i < back.size(); i++) {
            int at = 8 - back.size() + i;
            out[2 * at] = (byte) (back.get(i) >> 8);
            out[2 * at + 1] = (byte) (int) back.get(i);
        }
        return out;
    }

    private static java.util.List<Integer> groups(String part, String bad, boolean mayEndInIpv4) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        if (part.isEmpty()) {
            return out;
        }
        String[] g = part.split(":", -1);
        for (int i = 0; i < g.length; i++) {
            String x = g[i];
            if (i == g.length - 1 && mayEndInIpv4 && x.contains(".")) {
                byte[] v4 = ipv4(x);
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (x.isEmpty() || x.length() > 4 || !x.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException(bad + ": '" + x + "' is not a group of 1-4 hex digits");
            }
            out.add(Integer.parseInt(x, 16));
        }
        return out;
    }

    /** Every address in the range, in order (an IPv4 network without its network and broadcast address). */
    public List<InetAddress> addresses() {
        int bits = base.getAddress().length * 8;
        int count = 1 << (bits - prefix);
        BigInteger first = new BigInteger(1, base.getAddress());
        List<InetAddress> list = new ArrayList<>(count);
        boolean skipEnds = base instanceof Inet4Address && prefix <= 30;
        for (int i = skipEnds ? 1 : 0; i < (skipEnds ? count - 1 : count); i++) {
            list.add(toAddress(first.add(BigInteger.valueOf(i)), base.getAddress().length));
        }
        return list;
    }

    private static InetAddress toAddress(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
