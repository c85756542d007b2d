package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * {@code fleet keygen}, {@code agent --key --actions} and {@code fleet fire} as a user runs them:
 * a key made by keygen, two agents started by the agent command with simulated clocks tracking a
 * loopback NTP reference, and fire reaching both through a fleet file; plus the one-line errors.
 */
class FleetFireCommandTest {

    private static final Pattern HTTP = Pattern.compile("(?m)^http 127\\.0\\.0\\.1:(\\d+)$");

    @TempDir
    Path dir;

    private static MainTest.Result run(String... args) {
        return MainTest.run(args);
    }

    @Test
    void keygenWritesAnOwnerOnlyKeyAndNeverOverwrites() throws Exception {
        Path key = dir.resolve("fleet.key");
        MainTest.Result r = run("fleet", "keygen", "--out", key.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote a 256-bit fleet key to " + key), r.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String before = Files.readString(key);
        MainTest.Result again = run("fleet", "keygen", "--out", key.toString());
        assertEquals(2, again.code());
        assertEquals("lockstep: " + key + " already exists; a new key would lock the fleet out until every agent has it,"
                + " so remove the file first if you mean it\n", again.err());
        assertEquals(before, Files.readString(key));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path key = dir.resolve("fleet.key");
        run("fleet", "keygen", "--out", key.toString());
        Files.writeString(dir.resolve("fleet.txt"), "agent://127.0.0.1:1\n");
        String devices = dir.resolve("fleet.txt").toString();
        assertOneLine(run("fleet", "fire", "blink", "--in", "3s", "--count", "3", "--key", key.toString(), "--devices",
                devices), "lockstep: --count 3 needs --every PERIOD");
        assertOneLine(run("fleet", "fire", "blink", "--at", "tomorrow", "--key", key.toString(), "--devices", devices),
                null);
        assertOneLine(run("fleet", "fire", "bl/nk", "--in", "3s", "--key", key.toString(), "--devices", devices), null);
        assertOneLine(run("fleet", "fire", "blink", "--in", "10ms", "--key", key.toString(), "--devices", devices),
                "lockstep: --in must be at least 200ms: the trigger must reach every agent before the instant");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertOneLine(run("fleet", "fire", "blink", "--in", "3s", "--key", key.toString(), "--devices", devices),
                "lockstep: key file " + key + " is accessible by group or others (mode rw-r--r--); make it owner-only: "
                        + "chmod 600 " + key);
        assertOneLine(run("fleet", "fire", "blink", "--in", "3s", "--key", dir.resolve("missing.key").toString(),
                "--devices", devices), "lockstep: --key " + dir.resolve("missing.key")
                        + ": no such file (make one with `lockstep fleet keygen --out FILE`)");
        Files.writeString(dir.resolve("actions.txt"), "blink blink /bin/true\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertOneLine(run("agent", "--reference", "ntp://127.0.0.1:9", "--http", "127.0.0.1:0", "--no-dnssd",
                "--key", key.toString(), "--actions", dir.resolve("actions.txt").toString()),
                "lockstep: " + dir.resolve("actions.txt") + ":1: unknown kind 'blink'; use exec, line, write or tick");
    }

    private static void assertOneLine(MainTest.Result r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("lockstep: ") && r.err().indexOf('\n') == r.err().length() - 1, r.err());
        if (expected != null) {
            assertEquals(expected + "\n", r.err());
        }
    }

    @Test
    void fireReachesAgentsStartedByTheAgentCommand() throws Exception {
        Path key = dir.resolve("fleet.key");
        assertEquals(0, run("fleet", "keygen", "--out", key.toString()).code());
        TimeSource referenceClock = new SimulatedTimeSource(TimeSource.system(), 2_000_000_000L, 0);
        try (NtpServer reference = NtpServer.start(NtpServerConfig.builder(referenceClock).port(0).warmUp(false)
                .rateLimit(NtpRateLimit.perSecond(0)).build())) {
            String ref = "ntp://127.0.0.1:" + reference.localAddress().getPort();
            // The agents run without --duration until the test is done with them: a fixed duration
            // would have to outlast start-up, convergence and three firings on a busy machine.
            List<ServingCommand> agents = new ArrayList<>();
            try {
                StringBuilder fleet = new StringBuilder("# two headsets\n");
                for (int i = 0; i < 2; i++) {
                    Path actions = dir.resolve("actions-" + i + ".txt");
                    Files.writeString(actions, "# what this headset may do\nblink write blink-" + i + ".value 1\n");
                    ServingCommand agent = ServingCommand.startMerged("agent-" + i, "agent", "--reference", ref,
                            "--name", "headset-" + i, "--http", "127.0.0.1:0", "--no-dnssd", "--interval", "100ms",
                            "--simulate-offset", (i == 0 ? "-700ms" : "1.2s"), "--simulate-drift", (i == 0 ? "12" : "-8"),
                            "--key", key.toString(), "--actions", actions.toString());
                    agents.add(agent);
                    fleet.append("headset-").append(i).append(" agent://127.0.0.1:")
                            .append(Integer.parseInt(agent.await(HTTP).group(1))).append('\n');
                }
                firesAtTheAgents(dir, key, fleet.toString());
                String journal = agents.get(0).out();
                assertTrue(journal.contains(" accepted: blink at "), journal);
                assertTrue(Pattern.compile("(?m)^fired blink [0-9a-f]{32} #0 FIRED reference \\d+ lateness ").matcher(journal)
                        .find(), journal);
                assertTrue(journal.contains("refused: unknown-action: no action 'reboot'"), journal);
            } finally {
                for (ServingCommand agent : agents) {
                    agent.close();
                }
            }
        }
    }

    private static void firesAtTheAgents(Path dir, Path key, String fleet) throws Exception {
        Path fleetFile = dir.resolve("fleet.txt");
        Files.writeString(fleetFile, fleet);
        awaitSynced(fleetFile);

        MainTest.Result fire = run("fleet", "fire", "blink", "--in", "3s", "--key", key.toString(), "--devices",
                fleetFile.toString(), "--json");
        assertEquals(0, fire.code(), fire.out() + fire.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) TestJson.parse(fire.out().strip());
        assertEquals(Boolean.TRUE, result.get("within_tolerance"), fire.out());
        assertEquals(20_850_000L, result.get("max_bound_ns"));
        List<?> rows = (List<?>) result.get("devices");
        assertEquals(2, rows.size());
        for (Object o : rows) {
            assertEquals("fired", ((Map<?, ?>) o).get("status"), o.toString());
        }
        // Both agents run in this JVM: their host clock readings are the truth. The command states
        // that the fire spread is within its tolerance (asserted above) and that the true spread is
        // at most the fire spread plus spread_bound_ns: the truth must lie within what it states.
        assertTrue((Long) result.get("host_spread_ns")
                <= (Long) result.get("tolerance_ns") + (Long) result.get("spread_bound_ns"), fire.out());
        for (int i = 0; i < 2; i++) {
            assertEquals("1", Files.readString(dir.resolve("blink-" + i + ".value")));
        }

        MainTest.Result text = run("fleet", "fire", "blink", "--every", "200ms", "--count", "2", "--in", "2s", "--key",
                key.toString(), "--devices", fleetFile.toString());
        assertEquals(0, text.code(), text.out() + text.err());
        assertTrue(text.out().startsWith("firing blink at "), text.out());
        assertTrue(text.out().contains("  headset-0: accepted, predicted bound "), text.out());
        assertTrue(Pattern.compile("(?m)^headset-1 +agent://127\\.0\\.0\\.1:\\d+ +fired 2/2 +[+-]").matcher(text.out())
                .find(), text.out());
        assertTrue(Pattern.compile("(?m)^fire spread .* \\(worst of 2 firings\\), tolerance 41\\.700 ms: OK$")
                .matcher(text.out()).find(), text.out());

        MainTest.Result unknown = run("fleet", "fire", "reboot", "--in", "2s", "--key", key.toString(), "--devices",
                fleetFile.toString());
        assertEquals(1, unknown.code(), unknown.out());
        assertTrue(unknown.out().contains("no action 'reboot' in " + dir.resolve("actions-0.txt")), unknown.out());
    }

    /**
     * Waits (bounded) until {@code fleet status} shows every agent SYNCED. Its exit code stays 1:
     * the simulated clocks disagree by seconds, which is what firing by the reference clock fixes.
     */
    private static void awaitSynced(Path fleetFile) throws InterruptedException {
        MainTest.Result last = null;
        long deadline = System.nanoTime() + ServingCommand.DEADLINE_NANOS;
        while (System.nanoTime() - deadline < 0) {
            last = run("fleet", "status", "--devices", fleetFile.toString(), "--json");
            Map<?, ?> snapshot = (Map<?, ?>) TestJson.parse(last.out().strip());
            if (((List<?>) snapshot.get("devices")).stream().allMatch(d -> "SYNCED".equals(((Map<?, ?>) d).get("state")))) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("fleet not synced: " + last.out() + last.err());
    }
}
