package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of what the monitor makes of a DNS-SD advertisement
 * ({@code fleet status --browse}; JmDNS decodes the packets, this is Lockstep's part): any TXT
 * name, service name, version, address and port give a device the monitor can poll, named
 * without control characters, or nothing; never an exception, which would end the whole browse.
 * Corpus under {@code src/test/resources/io/lockstep/fleet/DnsSdFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DnsSdFuzzTest {

    @FuzzTest
    void anyAdvertisement(FuzzedDataProvider data) throws Exception {
        String txtName = data.consumeBoolean() ? null : data.consumeString(80);
        String serviceName = data.consumeBoolean() ? null : data.consumeString(80);
        String version = data.consumeBoolean() ? null : data.consumeString(40);
        int port = data.consumeInt();
        byte[] raw = data.consumeBytes(data.consumeBoolean() ? 16 : 4);
        InetAddress address = InetAddress.getByAddress(raw.length == 16 || raw.length == 4 ? raw : new byte[4]);
        DnsSd.Found f = DnsSd.found(txtName, serviceName, version, address, port);
        if (f == null) {
            return;
        }
        Device d = f.device();
        assertTrue(d.port() >= 1 && d.port() <= 65535, "port " + d.port());
        assertTrue(d.name().codePoints().noneMatch(Character::isISOControl), () -> "control character in " + d.name());
    }

    /** Issue 16's kind of finding, by reading: an advertisement with port 0 used to end the whole browse. */
    @Test
    void anAdvertisementWithPortZeroIsSkippedNotFatal() throws Exception {
        InetAddress a = InetAddress.getByAddress(new byte[]{10, 0, 0, 7});
        assertThrows(IllegalArgumentException.class, () -> new DnsSd.Found("pi", "1", "10.0.0.7", 0).device());
        assertTrue(DnsSd.found("pi", "pi", "1", a, 0) == null);
        assertTrue(DnsSd.found("pi", "pi", "1", a, 7474) != null);
    }
}
