package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.trigger.FleetKey;
import io.lockstep.fleet.trigger.Trigger;
import io.lockstep.fleet.trigger.TriggerJson;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.TimeSource;

/**
 * Issue 16: 60 signed periodic triggers of 1,000 firings each against a real agent process with
 * the agent's flags (16 MB heap) leave it running, answering its status, with its firing
 * history bounded in total, and its RSS grown by no more than the heap it had left (it was
 * 64 MB in all before the firing-path warm-up, which adds about 10 MB of compiled code and classes).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AgentFloodProcessTest {

    /** The `lockstep` script's flags for `agent`, read from the script so the two cannot drift apart. */
    private static final List<String> AGENT_FLAGS = scriptFlags("agent");
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    @Test
    void sixtyPeriodicTriggersLeaveTheAgentSmallAndAlive() throws Exception {
        Path keyFile = dir.resolve("fleet.key");
        FleetKey key = FleetKey.generate(keyFile);
        Path actions = dir.resolve("actions.txt");
        Files.writeString(actions, "led write " + dir.resolve("led.value") + " 1\n");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (NtpServer ref = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).build())) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(AGENT_FLAGS);
            // -Dlockstep.agentJar=lockstep-cli/target/lockstep.jar measures the shipped jar; by default the
            // test's own class path, whose many test jars add about a megabyte of RSS.
            String jar = System.getProperty("lockstep.agentJar");
            cmd.addAll(jar != null ? List.of("-jar", jar) : List.of("-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            cmd.addAll(List.of("agent",
                    "--reference", "ntp://127.0.0.1:" + ref.port(), "--http", "127.0.0.1:0", "--no-dnssd",
                    "--key", keyFile.toString(), "--actions", actions.toString()));
            // To a file: the agent prints a line per firing, and a pipe nobody reads would stop its scheduler.
            Path stdout = dir.resolve("agent.out");
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(stdout.toFile()).start();
            try {
                String first = null;
                long started = System.nanoTime();
                while (first == null && p.isAlive() && System.nanoTime() - started < 60_000_000_000L) {
                    Thread.sleep(50);
                    List<String> lines = Files.readAllLines(stdout);
                    first = lines.stream().filter(l -> l.startsWith("http ")).findFirst().orElse(null);
                }
                assertNotNull(first, "the agent printed no http line");
                String base = "http://" + first.substring(5);
                awaitSynced(http, base);
                long syncedRssKb = rssKb(p.pid());
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    HttpResponse<String> r;
                    Trigger t;
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    do {
                        // The reference is this host's clock; 5 s of lead covers a slow post on a loaded machine.
                        long at = System.currentTimeMillis() * MS + 5_000 * MS;
                        t = Trigger.create("led", at, at + 60_000 * MS, 100 * MS, 1_000, 0).signedWith(key);
                        r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/triggers"))
                                .POST(HttpRequest.BodyPublishers.ofString(JsonText.write(TriggerJson.toMap(t)))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 409) {
                            awaitSynced(http, base);
                        }
                    } while (r.statusCode() == 409 && System.nanoTime() < deadline);
                    assertEquals(202, r.statusCode(), r.body());
                    ids.add(t.id());
                }
                // 600 firings a second: past the 4,096 kept reports within seconds of the first instant.
                long done = 0;
                long deadline = System.nanoTime() + 180_000_000_000L;
                while (done < 6_000 && System.nanoTime() < deadline && p.isAlive()) {
                    Thread.sleep(500);
                    done = firingsDone(http, base);
                }
                assertTrue(p.isAlive(), "the agent exited with " + (p.isAlive() ? "" : p.exitValue()));
                assertTrue(done >= 6_000, "only " + done + " firings done");
                long before = firingsDone(http, base);
                long kept = 0;
                for (String id : ids) {
                    Map<?, ?> report = (Map<?, ?>) TestJson.parse(get(http, base + "/api/triggers/" + id).body());
                    kept += ((List<?>) report.get("firings")).size();
                }
                // The triggers keep firing while they are read one by one: each firing meanwhile can be
                // counted once more (its report in a later trigger, the one it displaced in an earlier).
                long during = firingsDone(http, base) - before;
                assertTrue(kept <= 4_096 + during, kept + " firing reports kept after " + done + " firings ("
                        + during + " more while reading)");
                assertEquals(200, get(http, base + "/api/status").statusCode());
                long rssKb = rssKb(p.pid());
                System.out.printf("agent RSS %d kB once synced (firing path warmed), %d kB after %d firings%n",
                        syncedRssKb, rssKb, done);
                // What the flood may add is the heap the agent had not yet used (16 MB at most) and
                // nothing that grows with the triggers. The absolute goal (64 MB) is judged from this
                // printout with -Dlockstep.agentJar (the shipped jar): 59.7-61.0 MB once synced and
                // 62.4-64.5 MB after the flood at load 17-22 (2026-12-06).
                assertTrue(rssKb - syncedRssKb <= 16 * 1024, "agent RSS grew from " + syncedRssKb + " kB to " + rssKb
                        + " kB after " + done + " firings");
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long firingsDone(HttpClient http, String base) throws Exception {
        long done = 0;
        Map<?, ?> list = (Map<?, ?>) TestJson.parse(get(http, base + "/api/triggers").body());
        for (Object o : (List<?>) list.get("triggers")) {
            done += ((Number) ((Map<?, ?>) o).get("firings_done")).longValue();
        }
        return done;
    }

    private static void awaitSynced(HttpClient http, String base) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(http, base + "/api/status");
            if (r.statusCode() == 200 && "SYNCED".equals(((Map<?, ?>) TestJson.parse(r.body())).get("state"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the agent never became SYNCED");
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JVM flags the repository's {@code lockstep} script passes for {@code verb}. */
    static List<String> scriptFlags(String verb) {
        try {
            List<String> lines = Files.readAllLines(Path.of("..", "lockstep"));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("\"$first\" == \"" + verb + "\"")) {
                    for (int j = i + 1; j < lines.size(); j++) {
                        String l = lines.get(j).trim();
                        if (l.startsWith("LOCKSTEP_JAVA_OPTS=\"")) {
                            return List.of(l.substring(l.indexOf('"') + 1, l.lastIndexOf('"')).split(" +"));
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no LOCKSTEP_JAVA_OPTS for " + verb + " in ../lockstep");
    }

    private static long rssKb(long pid) {
        long bytes = HostStats.rssBytes(pid);
        if (bytes < 0) {
            throw new AssertionError("no VmRSS for " + pid);
        }
        return bytes / 1024;
    }
}
