package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep agent} as a real process: it prints its address, serves its status, and when
 * killed with SIGKILL, {@code fleet status --watch} reports it unreachable (connection refused).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AgentCommandTest {

    private static Process agent(int ntpPort, String host, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "agent", "--reference", "ntp://127.0.0.1:" + ntpPort, "--http", host + ":0",
                "--no-dnssd"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Lines printed so far, with the time each arrived. */
    static final class TimedLines extends OutputStream {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<Long> arrivedNanos = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                arrivedNanos.add(System.nanoTime());
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }
    }

    @Test
    void aKilledAgentProcessIsReportedUnreachable() throws Exception {
        try (NtpServer ref = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).build())) {
            Process p = agent(ref.port(), "127.0.0.7", "--name", "doomed", "--simulate-offset", "5ms");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String first = out.readLine();
                assertNotNull(first, "the agent printed nothing");
                assertTrue(first.matches("http 127\\.0\\.0\\.7:\\d+"), first);
                String address = first.substring(5);
                HttpResponse<String> status = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://" + address + "/api/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, status.statusCode());
                assertEquals("doomed", ((Map<?, ?>) TestJson.parse(status.body())).get("name"));

                TimedLines lines = new TimedLines();
                PrintStream watchOut = new PrintStream(lines, true, StandardCharsets.UTF_8);
                Thread watch = new Thread(() -> Main.run(watchOut, new PrintStream(OutputStream.nullOutputStream()),
                        "fleet", "status", "--scan", address.substring(0, address.indexOf(':')), "--agent-port",
                        address.substring(address.indexOf(':') + 1), "--watch", "--json"));
                watch.setDaemon(true);
                watch.start();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (lines.lines.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(lines.lines.isEmpty(), "fleet status --watch printed nothing");
                assertTrue(lines.lines.get(0).contains("\"reachable\":true"), lines.lines.get(0));
                long killedAt = System.nanoTime();
                p.destroyForcibly(); // SIGKILL: the agent says goodbye to no one
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                Long reportedAfter = null;
                int seen = 0;
                // A deadline on the report itself: the watch redraws every second, but how soon the
                // report comes on a busy machine is a number for a bench, not a test's verdict.
                while (reportedAfter == null && System.nanoTime() - killedAt < 60_000_000_000L) {
                    for (; seen < lines.lines.size(); seen++) {
                        if (lines.lines.get(seen).contains("\"reachable\":false")
                                && lines.arrivedNanos.get(seen) - killedAt > 0) {
                            reportedAfter = lines.arrivedNanos.get(seen) - killedAt;
                            assertTrue(lines.lines.get(seen).contains("unreachable: connection refused"),
                                    lines.lines.get(seen));
                            break;
                        }
                    }
                    Thread.sleep(20);
                }
                assertNotNull(reportedAfter, "not reported unreachable within 60 s: " + lines.lines);
                watch.interrupt();
                watch.join(60_000);
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void badInputGetsOneLineAndExitTwo() {
        String[][] cases = {
                {"agent", "--reference", "bogus"},
                {"agent", "--reference", "ntp://127.0.0.1:1", "--http", "nope"},
                {"agent", "--reference", "ntp://127.0.0.1:1", "--http", "127.0.0.1:70000"},
                {"agent", "--reference", "ntp://127.0.0.1:1", "--ntp-port", "-3"},
                {"agent", "--reference", "ntp://127.0.0.1:1", "--name", ""},
                {"agent"},
                {"agent", "--reference", "ntp://127.0.0.1:1", "--http", "127.0.0.1:0", "--no-dnssd",
                        "--key", "/nonexistent-lockstep-dir/fleet.key"},
                {"agent", "--reference", "ntp://127.0.0.1:1", "--http", "127.0.0.1:0", "--no-dnssd",
                        "--actions", "/nonexistent-lockstep-dir/actions"},
        };
        for (String[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), c);
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, String.join(" ", c) + ": " + e);
            assertTrue(e.startsWith("lockstep: ") && e.strip().lines().count() == 1, e);
        }
    }

    @Test
    void aMissingFileIsNamedWithItsOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                "agent", "--reference", "ntp://127.0.0.1:1", "--http", "127.0.0.1:0", "--no-dnssd",
                "--key", "/nonexistent-lockstep-dir/fleet.key");
        assertEquals(2, code);
        assertEquals("lockstep: --key /nonexistent-lockstep-dir/fleet.key: no such file (make one with "
                + "`lockstep fleet keygen --out FILE`)", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void anActionWhoseProgramIsMissingIsNamedAtStartAndTheAgentRuns() throws Exception {
        java.nio.file.Path actions = java.nio.file.Files.createTempFile("lockstep-actions", ".txt");
        try {
            java.nio.file.Files.writeString(actions, "blink exec /nonexistent-lockstep-dir/gpioset gpiochip0 17=1\n"
                    + "ok exec sh -c true\n" + "loop line no-such-lockstep-led-loop --pin 17\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    "agent", "--reference", "ntp://127.0.0.1:1", "--http", "127.0.0.1:0", "--no-dnssd",
                    "--actions", actions.toString(), "--duration", "1s");
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, e);
            assertEquals(2, e.lines().filter(l -> l.contains("loop") || l.contains("blink")).count(), e);
            assertTrue(e.lines().anyMatch(l -> l.equals(
                    "lockstep: action 'loop': program no-such-lockstep-led-loop not found or not executable")), e);
            assertTrue(e.lines().anyMatch(l -> l.equals(
                    "lockstep: action 'blink': program /nonexistent-lockstep-dir/gpioset not found or not executable")), e);
        } finally {
            java.nio.file.Files.delete(actions);
        }
    }

    @Test
    void aBusyHttpPortNamesTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String addr = "127.0.0.1:" + taken.getLocalPort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    "agent", "--reference", "ntp://127.0.0.1:1", "--http", addr, "--no-dnssd", "--duration", "1s");
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, e);
            assertTrue(e.contains("lockstep: cannot start the agent on --http " + addr + ": address already in use"), e);
        }
    }
}
