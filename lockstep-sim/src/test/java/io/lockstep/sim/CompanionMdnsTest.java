package io.lockstep.sim;

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
        boolean canUnshare = Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                && new ProcessBuilder("unshare", "-n", "true").start().waitFor() == 0;
        if (!canUnshare) {
            assumeTrue(ci, "cannot create a network namespace here (unshare -n failed): skipping the mDNS test");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec \""
                + java + "\" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp \"$CP\" " + CompanionMdnsMain.class.getName();
        Path errFile = Files.createTempFile("lockstep-companion-mdns", ".err");
        ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "sh", "-c", script).redirectError(errFile.toFile());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(200, TimeUnit.SECONDS), "the namespace run did not finish");
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(errFile);
        Files.delete(errFile);
        String all = "out:\n" + out + "\nerr:\n" + err;
        assertEquals(0, p.exitValue(), all);
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
