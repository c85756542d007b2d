package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stand-in Companion app is found by an mDNS browse for {@code _http._tcp} under the name
 * the real app uses, {@code PI monitor:NAME:ID}, by JmDNS and independently by python-zeroconf
 * (the library of Pupil Labs' own discovery, from Debian's python3-zeroconf). Linux's loopback
 * has no MULTICAST flag and this test must not change the machine's network, so, like the
 * agents' DNS-SD test, it runs {@link CompanionMdnsMain} in a network namespace it creates with
 * {@code unshare -n}, where loopback gets multicast and a route for 224.0.0.0/4; the namespace
 * vanishes with the child. Skipped with a message where namespaces are unavailable, except
 * under CI.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CompanionMdnsTest {

    @Test
    void anMdnsBrowseForHttpFindsTheAppUnderItsPiMonitorName() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        NamespaceRun.Result run = NamespaceRun.run(CompanionMdnsMain.class, "mDNS test", 200);
        String out = run.out();
        String err = run.err();
        String all = "out:\n" + out + "\nerr:\n" + err;
        assertEquals(0, run.exitCode(), all);
        List<String> lines = out.lines().toList();
        String name = "PI monitor:Neon Companion:d55a33b5ab845785";
        String advertised = lines.stream().filter(l -> l.startsWith("advertised ")).findFirst().orElseThrow();
        assertTrue(advertised.startsWith("advertised " + name + " "), all);
        String port = advertised.substring(advertised.lastIndexOf(' ') + 1);
        String expected = name + "|neon.local.|" + port + "|127.0.0.1";
        assertTrue(lines.contains("jmdns " + expected), all);
        if (lines.contains("no-zeroconf")) {
            assumeTrue(!ci, "CI must have python3-zeroconf (.ci/run installs it)");
            System.out.println("python3-zeroconf missing: only JmDNS browsed");
            return;
        }
        // python-zeroconf names the instance fully qualified, as Pupil Labs' DiscoveredDeviceInfo.name is.
        assertTrue(lines.contains("zeroconf " + name + "._http._tcp.local.|neon.local.|" + port + "|127.0.0.1"), all);
    }
}
