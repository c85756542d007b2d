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
        InetAddress ip;
        try {
            ip = InetAddress.getByName(addr);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
        int bits = ip.getAddress().length * 8;
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
