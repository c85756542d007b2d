package io.lockstep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the packaged systemd units without running them (this machine's tests have no systemd
 * as PID 1): {@code systemd-analyze verify} against a throw-away root holding the unpacked package
 * beside a copy of this host's unit directory, and {@code systemd-analyze security --offline}
 * with the goal exposure of 2.5 (Debian's chrony.service scores 3.7). Also pins the choices the
 * scores do not see: no time-sync.target for the agent, the key as a credential, the one
 * capability only for the server. Skipped outside CI when systemd-analyze is missing. Not
 * thread-safe (one JUnit run).
 */
class SystemdUnitsIT {

    static final double EXPOSURE_GOAL = 2.5;

    static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        DebTools.require("systemd-analyze", "systemd");
        DebTools.require("dpkg-deb", "dpkg");
        root = Files.createTempDirectory("lockstep-units-root");
        DebTools.extract(DebTools.deb(), root);
        // The targets and slices the units' default dependencies name: read-only copies of this host's.
        DebTools.Run copy = DebTools.run("sh", "-c", "cp -a /lib/systemd/system/. '" + root + "/lib/systemd/system/'");
        assertEquals(0, copy.exit(), copy.output());
        // The packaged units over the host's copies, in case a host ever has units of that name.
        DebTools.extract(DebTools.deb(), root);
    }

    @AfterAll
    static void clean() throws Exception {
        DebTools.deleteTree(root);
    }

    @Test
    void bothUnitsPassVerify() throws Exception {
        DebTools.Run verify = DebTools.run("systemd-analyze", "verify", "--man=no", "--root=" + root,
                "lockstep-agent.service", "lockstep-serve.service");
        assertEquals(0, verify.exit(), verify.output());
        assertEquals("", verify.output().strip(), "systemd-analyze verify complained");
    }

    @Test
    void bothUnitsHaveExposureAtMostTwoAndAHalf() throws Exception {
        for (String unit : List.of("lockstep-agent.service", "lockstep-serve.service")) {
            Path file = root.resolve("lib/systemd/system").resolve(unit);
            DebTools.Run security = DebTools.run(List.of("systemd-analyze", "security", "--offline=true",
                    "--threshold=" + (int) (EXPOSURE_GOAL * 10), "--no-pager", file.toString()), Map.of("SYSTEMD_COLORS", "0"), null, 120);
            Matcher m = Pattern.compile("Overall exposure level for " + Pattern.quote(unit) + ": (\\d+\\.\\d)").matcher(security.output());
            assertTrue(m.find(), security.output());
            double exposure = Double.parseDouble(m.group(1));
            System.out.println(unit + " exposure " + exposure);
            assertTrue(exposure <= EXPOSURE_GOAL, unit + " exposure " + exposure + " > " + EXPOSURE_GOAL + ":\n" + security.output());
            assertEquals(0, security.exit(), security.output());
        }
    }

    @Test
    void agentWithTheAnsibleRolesGpioDropInStillVerifiesAndStaysWithinTheGoal() throws Exception {
        // The drop-in the role writes for lockstep_gpio_group, rendered as Ansible would.
        String template = Files.readString(Path.of("..", "deploy", "ansible", "roles", "lockstep", "templates", "group.conf.j2"));
        String dropIn = template.replace("{{ ansible_managed }}", "Ansible managed").replace("{{ lockstep_gpio_group }}", "gpio");
        Path gpioRoot = Files.createTempDirectory("lockstep-units-gpio");
        try {
            DebTools.Run copy = DebTools.run("cp", "-a", root + "/.", gpioRoot.toString());
            assertEquals(0, copy.exit(), copy.output());
            Path dir = Files.createDirectories(gpioRoot.resolve("etc/systemd/system/lockstep-agent.service.d"));
            Files.writeString(dir.resolve("group.conf"), dropIn);
            DebTools.Run verify = DebTools.run("systemd-analyze", "verify", "--man=no", "--root=" + gpioRoot, "lockstep-agent.service");
            assertEquals(0, verify.exit(), verify.output());
            assertEquals("", verify.output().strip(), "systemd-analyze verify complained about the drop-in");
            DebTools.Run security = DebTools.run(List.of("systemd-analyze", "security", "--offline=true", "--root=" + gpioRoot,
                    "--no-pager", "lockstep-agent.service"), Map.of("SYSTEMD_COLORS", "0"), null, 120);
            Matcher m = Pattern.compile("Overall exposure level for lockstep-agent\\.service: (\\d+\\.\\d)").matcher(security.output());
            assertTrue(m.find(), security.output());
            // The drop-in was read: the devices it opens are now reachable (PrivateDevices= off).
            assertTrue(security.output().contains("access to hardware devices"), security.output());
            double exposure = Double.parseDouble(m.group(1));
            System.out.println("lockstep-agent.service with the GPIO drop-in: exposure " + exposure);
            assertTrue(exposure <= EXPOSURE_GOAL, "exposure " + exposure + ":\n" + security.output());
        } finally {
            DebTools.deleteTree(gpioRoot);
        }
    }

    @Test
    void agentNeverWaitsForTimeSyncTakesTheKeyAsCredentialAndHoldsNoCapability() throws Exception {
        String agent = Files.readString(root.resolve("lib/systemd/system/lockstep-agent.service"));
        assertFalse(Pattern.compile("(?m)^(After|Wants|Requires|BindsTo)=.*time-sync\\.target").matcher(agent).find(), agent);
        assertTrue(agent.contains("\nLoadCredential=fleet-key:/etc/lockstep/fleet.key\n"), agent);
        assertTrue(agent.contains(" --key %d/fleet-key "), agent);
        assertTrue(agent.contains("\nCapabilityBoundingSet=\n"), agent);
        assertTrue(agent.contains("\nLimitRTPRIO=10\n"), agent);
        assertTrue(agent.contains("\nEnvironmentFile=/etc/lockstep/agent.conf\n"), agent);
        String serve = Files.readString(root.resolve("lib/systemd/system/lockstep-serve.service"));
        assertTrue(serve.contains("\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n"), serve);
        assertTrue(serve.contains("\nEnvironmentFile=/etc/lockstep/serve.conf\n"), serve);
        for (String unit : List.of(agent, serve)) {
            assertTrue(unit.contains("\nDynamicUser=yes\n"), unit);
        }
    }
}
