package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS-SD for real. Linux's loopback has no MULTICAST flag, and this test must not change the
 * machine's network, so it runs {@link DnsSdFleetMain} in a network namespace it creates with
 * {@code unshare -n} (root, or an unprivileged user namespace): there it brings loopback up with
 * multicast and a route for 224.0.0.0/4. The namespace and everything in it vanish with the
 * child process. Ten agents advertise {@code _lockstep._tcp}; {@code fleet status --browse}
 * finds all ten, each within its bound of the truth.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DnsSdFleetTest {

    @Test
    void tenAgentsAreFoundOverDnsSdInANamespace() throws Exception {
        NamespaceRun.Result run = NamespaceRun.run(DnsSdFleetMain.class, "DNS-SD test", 240);
        String out = run.out();
        String errText = run.err();
        List<String> lines = out.lines().toList();
        assertTrue(lines.size() >= 11, "out:\n" + out + "\nerr:\n" + errText);
        Map<String, Long> truth = new HashMap<>();
        for (String line : lines) {
            if (line.startsWith("truth ")) {
                String[] w = line.split(" ");
                truth.put(w[1], Long.parseLong(w[2]));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) TestJson.parse(lines.get(0));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>) json.get("devices");
        assertEquals(10, devices.size(), lines.get(0) + "\n" + errText);
        for (Map<String, Object> d : devices) {
            String name = (String) d.get("name");
            assertTrue(((String) d.get("target")).matches("agent://127\\.0\\.0\\.\\d+:7474"), d.toString());
            assertEquals("SYNCED", d.get("state"), d.toString());
            long offset = (Long) d.get("offset_ns");
            long bound = (Long) d.get("error_bound_ns");
            // The truth was read after the snapshot: it moved by at most 20 ppm of a few seconds.
            long slack = 200_000;
            assertTrue(Math.abs(offset - truth.get(name)) <= bound + slack, d + " truth " + truth.get(name));
        }
        assertEquals(0, run.exitCode(), out + errText);
    }
}
