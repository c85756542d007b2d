package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import io.lockstep.net.Addresses;

class AddressesTest {

    @Test
    void compressesIpv6AndBracketsIt() throws UnknownHostException {
        assertEquals("[::1]:123", Addresses.format(new InetSocketAddress(InetAddress.getByName("::1"), 123)));
        assertEquals("::", Addresses.format(InetAddress.getByName("::")));
        assertEquals("fe80::1:0:0:2", Addresses.format(InetAddress.getByName("fe80:0:0:0:1:0:0:2")));
        assertEquals("2001:db8::1", Addresses.format(InetAddress.getByName("2001:db8:0:0:0:0:0:1")));
        assertEquals("1:0:2:0:3:0:4:0", Addresses.format(InetAddress.getByName("1:0:2:0:3:0:4:0")));
        assertEquals("127.0.0.1:9", Addresses.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9)));
    }
}
