package io.lockstep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the Ansible role for real: {@code ansible-playbook deploy/ansible/site.yml} against three
 * hosts it makes itself (a time server and two devices, each a local connection into its own
 * throw-away root under a temporary directory, the package unpacked there with dpkg-deb -x and
 * systemd steps off since no systemd runs in those roots), then again to see no change
 * (idempotence), and {@code ansible-lint} on the role. HOME, Ansible's temporary directories and
 * every written path point into the temporary directory, which is deleted after, so this machine
 * is left as it was. Skipped outside CI when ansible-playbook, ansible-lint or dpkg-deb is
 * missing. Not thread-safe (one JUnit run).
 */
class AnsiblePlaybookIT {

    static Path dir;
    static Map<String, String> env;
    static Path playbook;

    @BeforeAll
    static void room() throws Exception {
        DebTools.require("ansible-playbook", "ansible-core");
        DebTools.require("ansible-lint", "ansible-lint");
        DebTools.require("dpkg-deb", "dpkg");
        dir = Files.createTempDirectory("lockstep-ansible");
        playbook = Path.of("..", "deploy", "ansible", "site.yml").toAbsolutePath().normalize();
        Path controller = dir.resolve("controller");
        DebTools.extract(DebTools.deb(), controller);
        Files.createDirectories(dir.resolve("home"));
        env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("home/.cache").toString());
        env.put("ANSIBLE_LOCAL_TEMP", dir.resolve("ansible-local").toString());
        env.put("ANSIBLE_REMOTE_TEMP", dir.resolve("ansible-remote").toString());
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "0");
        env.put("ANSIBLE_CONFIG", dir.resolve("none.cfg").toString());
        String common = " ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ansible_host=127.0.0.1";
        String inventory = "[reference]\n"
                + "ref1 lockstep_root=" + dir.resolve("hosts/ref1") + common + "\n"
                + "[devices]\n"
                + "pi01 lockstep_root=" + dir.resolve("hosts/pi01") + common + " lockstep_http=127.0.0.1:" + freePort()
                + " lockstep_actions='[\"blink write /sys/class/leds/led0/brightness 1\"]'\n"
                + "pi02 lockstep_root=" + dir.resolve("hosts/pi02") + common + " lockstep_http=127.0.0.1:" + freePort()
                + " lockstep_gpio_group=gpio\n"
                + "[all:vars]\n"
                + "lockstep_install_method=extract\n"
                + "lockstep_systemd=false\n"
                + "lockstep_serve_ntp_port=" + freePort() + "\n"
                + "lockstep_deb=" + DebTools.deb().toAbsolutePath() + "\n"
                + "lockstep_version=" + System.getProperty("deb.version", "0.1.0~SNAPSHOT-1") + "\n"
                + "lockstep_controller_cmd=" + controller.resolve("usr/bin/lockstep") + "\n"
                + "lockstep_controller_dir=" + dir.resolve("room") + "\n"
                + "lockstep_status_opts=--timeout 1s\n";
        Files.writeString(dir.resolve("inventory.ini"), inventory);
    }

    @AfterAll
    static void clean() throws Exception {
        DebTools.deleteTree(dir);
    }

    @Test
    void playbookConfiguresTheRoomThenChangesNothingOnTheSecondRun() throws Exception {
        long start = System.nanoTime();
        DebTools.Run first = playbook();
        long firstNanos = System.nanoTime() - start;
        System.out.println("first run (" + firstNanos / 1_000_000 + " ms):\n" + first.output());
        assertEquals(0, first.exit(), first.output());
        Map<String, int[]> recap = recap(first.output());
        assertEquals(3, recap.size(), first.output());
        recap.forEach((host, counts) -> assertEquals(0, counts[2], host + " failed:\n" + first.output()));

        Path key = dir.resolve("room/fleet.key");
        for (String device : List.of("pi01", "pi02")) {
            Path root = dir.resolve("hosts").resolve(device);
            Path deviceKey = root.resolve("etc/lockstep/fleet.key");
            assertEquals(Files.readString(key), Files.readString(deviceKey));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deviceKey)));
            String agentConf = Files.readString(root.resolve("etc/lockstep/agent.conf"));
            assertTrue(agentConf.contains("\nLOCKSTEP_REFERENCE=ntp://127.0.0.1:"), agentConf);
            assertTrue(agentConf.contains("\nLOCKSTEP_NAME=" + device + "\n"), agentConf);
            assertTrue(Files.isExecutable(root.resolve("usr/bin/lockstep")));
            assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/lockstep-agent.service")));
        }
        assertTrue(Files.readString(dir.resolve("hosts/pi01/etc/lockstep/actions"))
                .contains("\nblink write /sys/class/leds/led0/brightness 1\n"));
        assertTrue(Files.readString(dir.resolve("hosts/pi02/etc/systemd/system/lockstep-agent.service.d/group.conf"))
                .contains("\nSupplementaryGroups=gpio\n"));
        assertTrue(Files.readString(dir.resolve("hosts/ref1/etc/lockstep/serve.conf")).contains("\nLOCKSTEP_BIND=0.0.0.0\n"));
        assertTrue(Files.notExists(dir.resolve("hosts/ref1/etc/lockstep/fleet.key")), "the time server got the fleet key");
        // The play ends with the room's status: here no agent runs (no systemd), so both are unreachable.
        assertTrue(first.output().contains("Print the fleet status"), first.output());
        assertTrue(first.output().contains("pi01") && first.output().contains("unreachable"), first.output());

        start = System.nanoTime();
        DebTools.Run second = playbook();
        System.out.println("second run (" + (System.nanoTime() - start) / 1_000_000 + " ms):\n" + second.output());
        assertEquals(0, second.exit(), second.output());
        Map<String, int[]> again = recap(second.output());
        assertEquals(3, again.size(), second.output());
        again.forEach((host, counts) -> assertEquals(0, counts[1], host + " changed on the second run:\n" + second.output()));
    }

    @Test
    void ansibleLintPassesOnTheRoleAndPlaybook() throws Exception {
        Path ansible = playbook.getParent();
        DebTools.Run lint = DebTools.run(List.of("ansible-lint", "--offline", "-p", "roles/lockstep", "site.yml"), env, ansible, 300);
        System.out.println("ansible-lint:\n" + lint.output());
        assertEquals(0, lint.exit(), lint.output());
    }

    private static DebTools.Run playbook() throws Exception {
        return DebTools.run(List.of("ansible-playbook", "-i", dir.resolve("inventory.ini").toString(), "-e", "ansible_become=false",
                playbook.toString()), env, dir, 600);
    }

    /** PLAY RECAP lines: host → {ok, changed, failed}. */
    private static Map<String, int[]> recap(String output) {
        Map<String, int[]> recap = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=\\d+\\s+failed=(\\d+)").matcher(output);
        while (m.find()) {
            recap.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))});
        }
        return recap;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
