package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Scan ranges: sizes, the cap, and that every address listed lies inside the range. */
class CidrRangeTest {

    @Test
    void listsExactlyTheAddressesInside() throws Exception {
        List<InetAddress> a = CidrRange.parse("127.0.0.0/28").addresses();
        assertEquals(14, a.size());
        assertEquals(InetAddress.getByName("127.0.0.1"), a.get(0));
        assertEquals(InetAddress.getByName("127.0.0.14"), a.get(13));
        // A host address with a prefix names its network.
        List<InetAddress> b = CidrRange.parse("192.168.7.77/24").addresses();
        assertEquals(254, b.size());
        for (InetAddress x : b) {
            byte[] raw = x.getAddress();
            assertTrue(raw[0] == (byte) 192 && raw[1] == (byte) 168 && raw[2] == 7 && raw[3] != 0 && raw[3] != (byte) 255, x.toString());
        }
        assertEquals(List.of(InetAddress.getByName("10.1.2.3")), CidrRange.parse("10.1.2.3").addresses());
        assertEquals(2, CidrRange.parse("10.1.2.2/31").addresses().size());
        assertEquals(1022, CidrRange.parse("10.0.4.0/22").addresses().size());
        assertEquals(256, CidrRange.parse("fd00::/120").addresses().size());
    }

    @Test
    void refusesLargeAndMalformedRanges() {
        String[][] cases = {
                {"10.0.0.0/21", "spans 2048 addresses; the limit is 1024 (a /22)"},
                {"0.0.0.0/0", "spans 4294967296 addresses"},
                {"fd00::/64", "spans 2^64 addresses; the limit is 1024 (a /118)"},
                {"10.0.0.0/33", "prefix length must be 0-32"},
                {"10.0.0/24", "not an address range"},
                {"example.com/24", "not an address range"},
                {"10.0.0.0/x", "must be a number"},
                {"", "needs a range"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CidrRange.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void invalidLiteralsAreRefusedByTheParserBeforeAnyLookup() {
        // Each of these would reach InetAddress.getByName as a host name, and so a DNS query.
        String[][] cases = {
                {"300.1.1.1/24", "300 is more than 255"},
                {"1.2.3.256", "256 is more than 255"},
                {"01.2.3.4", "leading zero"},
                {"fd00:::1/120", "not an IP address: "},
                {"fd00::1::2", "not an IP address: "},
                {"12345::/120", "not an IP address: "},
                {"1:2:3:4:5:6:7:8:9", "not an IP address: "},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CidrRange.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        assertEquals(CidrRange.parse("fd00:0:0:0:0:0:0:0/120").base(), CidrRange.parse("fd00::/120").base());
        assertEquals(2, CidrRange.parse("::ffff:10.0.0.1/127").addresses().size());
    }
}
