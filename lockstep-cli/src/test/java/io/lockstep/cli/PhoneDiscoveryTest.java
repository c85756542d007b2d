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
 * Companion phones found without typed addresses, for real: {@link PhoneDiscoveryMain} runs in a
 * network namespace made with {@code unshare -n} (as {@link DnsSdFleetTest} does for agents), with
 * two stand-in phones advertising themselves over mDNS under the Companion app's name form and
 * listening on the app's port 8080. {@code fleet status --browse} and {@code --scan} list both as
 * {@code neon://} devices with their health and offsets within bound of the truth;
 * {@code record start --browse} and {@code event --scan} reach both.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PhoneDiscoveryTest {

    @Test
    @SuppressWarnings("unchecked")
    void phonesAreFoundOverMdnsAndByAScanInANamespace() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean canUnshare = Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                && new ProcessBuilder("unshare", "-n", "true").start().waitFor() == 0;
        if (!canUnshare) {
            assumeTrue(ci, "cannot create a network namespace here (unshare -n failed): skipping the phone discovery test");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec \""
                + java + "\" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp \"$CP\" " + PhoneDiscoveryMain.class.getName();
        Path errFile = Files.createTempFile("lockstep-phones", ".err");
        ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "sh", "-c", script).redirectError(errFile.toFile());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the namespace run did not finish");
        } finally {
            p.destroyForcibly();
        }
        String errText = Files.readString(errFile);
        Files.delete(errFile);
        String all = out + "\nerr:\n" + errText;
        Map<String, String> runs = new HashMap<>();
        Map<String, Integer> codes = new HashMap<>();
        Map<String, Long> truth = new HashMap<>();
        Map<String, String> events = new HashMap<>();
        for (String line : out.lines().toList()) {
            String[] w = line.split(" ", 3);
            if (line.startsWith("truth ")) {
                int cut = line.lastIndexOf(' ');
                truth.put(line.substring(6, cut), Long.parseLong(line.substring(cut + 1)));
            } else if (line.startsWith("events ")) {
                int cut = line.indexOf('[');
                events.put(line.substring(7, cut - 1), line.substring(cut));
            } else if (w.length == 3) {
                codes.put(w[0], Integer.parseInt(w[1]));
                runs.put(w[0], w[2]);
            }
        }
        for (String how : List.of("browse", "scan")) {
            assertEquals(0, codes.get(how), how + ": " + all);
            Map<String, Object> json = (Map<String, Object>) TestJson.parse(runs.get(how));
            List<Map<String, Object>> devices = (List<Map<String, Object>>) json.get("devices");
            assertEquals(2, devices.size(), how + ": " + all);
            for (Map<String, Object> d : devices) {
                String target = (String) d.get("target");
                assertTrue(target.matches("neon://127\\.0\\.0\\.[23]:8080"), d.toString());
                assertEquals("neon", d.get("via"));
                long offset = (Long) d.get("offset_ns");
                long bound = (Long) d.get("error_bound_ns");
                // The truth was read after the runs: it moved by at most 4 ppm of a few tens of seconds.
                assertTrue(Math.abs(offset - truth.get(target)) <= bound + 500_000, how + " " + d + " truth " + truth);
                Map<String, Object> phone = (Map<String, Object>) d.get("phone");
                assertTrue(phone.get("battery_percent") instanceof Long, phone.toString());
            }
        }
        assertEquals(0, codes.get("record"), all);
        assertEquals(0, codes.get("event"), all);
        assertEquals(2, truth.size(), all);
        for (String target : truth.keySet()) {
            assertEquals("[lockstep.record.start, found.by.scan]", events.get(target), all);
        }
        assertTrue(runs.get("browse").contains("\"name\":\"Neon Ada\"") && runs.get("browse").contains("\"name\":\"Neon Bob\""),
                "browsed phones are named as they advertise: " + runs.get("browse"));
        assertEquals(0, p.exitValue(), all);
    }
}
