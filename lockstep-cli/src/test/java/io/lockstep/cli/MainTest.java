package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.net.EchoServer;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/** The command line through {@link Main#run}: output contracts, exit codes and one-line errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertOneLineError(Result r, String contains) {
        assertTrue(r.code() != 0, "non-zero exit");
        if (contains.isEmpty()) {
            return; // usage text: several lines by design
        }
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("lockstep: ") && first.contains(contains), "stderr: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void offsetJsonFollowsTheContract() throws IOException {
        SimulatedTimeSource device = new SimulatedTimeSource(TimeSource.system(), 137_500_000L, 0);
        try (EchoServer s = EchoServer.start(device, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Result r = run("offset", "echo://127.0.0.1:" + s.port(), "--json", "--samples", "50");
            assertEquals(0, r.code(), r.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(r.out().trim());
            assertEquals("echo", m.get("protocol"));
            assertEquals("echo://127.0.0.1:" + s.port(), m.get("target"));
            long offset = (Long) m.get("offset_ns");
            assertEquals(-137_500_000L, offset, 1_000_000L);
            assertTrue((Long) m.get("error_bound_ns") > 0);
            assertTrue(m.containsKey("roundtrip_ns"));
            assertEquals(50L, m.get("samples"));
            assertEquals(0L, m.get("dropped"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> stats = (Map<String, Map<String, Object>>) m.get("stats");
            for (String k : new String[] {"offset_ms", "roundtrip_ms"}) {
                assertTrue(stats.get(k).keySet().containsAll(java.util.List.of("mean", "std", "median")), k);
            }
            Result human = run("offset", "echo://127.0.0.1:" + s.port());
            assertEquals(0, human.code());
            assertTrue(human.out().contains("offset") && human.out().contains("Pupil Labs"), human.out());
        }
    }

    @Test
    void offsetOnANeonTarget() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            Result r = run("offset", "neon://127.0.0.1:" + app.httpPort(), "--json", "--samples", "20");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("\"protocol\":\"neon\""));
        }
        try (FakeCompanion old = FakeCompanion.startTooOld()) {
            assertOneLineError(run("offset", "neon://127.0.0.1:" + old.httpPort()),
                    "Companion app too old: Time Echo needs a newer version");
        }
    }

    @Test
    void connectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertOneLineError(run("offset", "echo://127.0.0.1:" + port), "connection refused");
    }

    @Test
    void unknownHost() {
        assertOneLineError(run("offset", "echo://no-such-host.invalid:4242"), "unknown host");
    }

    @Test
    void anHttpServerIsNotATimeEchoServer() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket c = http.accept()) {
                    c.getInputStream().read(new byte[8]);
                    c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // The client side asserts.
                }
            });
            t.start();
            Result r = run("offset", "echo://127.0.0.1:" + http.getLocalPort());
            assertOneLineError(r, "is it a Time Echo server?");
            assertTrue(r.err().contains("HTTP/1.1 400"), r.err());
            t.join(5_000);
        }
    }

    @Test
    void aSilentPortTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // The kernel completes the handshake from the backlog; nothing ever answers.
            assertOneLineError(run("offset", "echo://127.0.0.1:" + silent.getLocalPort(), "--timeout", "200ms"),
                    "no Time Echo reply");
            assertTrue(run("offset", "echo://127.0.0.1:" + silent.getLocalPort(), "--timeout", "100ms").err()
                    .contains("neon://HOST"), "hints at neon:// for an HTTP port");
        }
    }

    @Test
    void aLostFirstReplyIsRetriedNotFatal() throws Exception {
        // Swallows the very first request (as a busy Wi-Fi link might), then answers everything.
        try (ServerSocket lossy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                boolean swallowed = false;
                while (!lossy.isClosed()) {
                    try (Socket c = lossy.accept()) {
                        DataInputStream in = new DataInputStream(c.getInputStream());
                        DataOutputStream out = new DataOutputStream(c.getOutputStream());
                        while (true) {
                            long v = in.readLong();
                            if (!swallowed) {
                                swallowed = true;
                                continue;
                            }
                            out.writeLong(v);
                            out.writeLong(System.currentTimeMillis());
                        }
                    } catch (IOException closed) {
                        // Client reconnects after its timeout.
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Result r = run("offset", "echo://127.0.0.1:" + lossy.getLocalPort(), "--timeout", "200ms", "--samples", "20", "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("\"samples\":20"), r.out());
        }
    }

    @Test
    void tooFewValidSamples() throws Exception {
        // Answers the warm-up and two exchanges correctly, then echoes the wrong value.
        try (ServerSocket bad = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                int answered = 0;
                while (!bad.isClosed()) {
                    try (Socket c = bad.accept()) {
                        DataInputStream in = new DataInputStream(c.getInputStream());
                        DataOutputStream out = new DataOutputStream(c.getOutputStream());
                        while (true) {
                            long v = in.readLong();
                            out.writeLong(answered++ < 3 ? v : v + 1);
                            out.writeLong(System.currentTimeMillis());
                        }
                    } catch (IOException closed) {
                        // Client hung up or the test ended.
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            assertOneLineError(run("offset", "echo://127.0.0.1:" + bad.getLocalPort(), "--samples", "10"),
                    "did not echo our timestamp");
        }
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertOneLineError(run("offset", "ftp://x:1"), "unknown scheme");
        assertOneLineError(run("offset", "echo://127.0.0.1"), "needs a port");
        assertOneLineError(run("offset", "echo://127.0.0.1:1", "--samples", "0"), "--samples");
        assertOneLineError(run("serve"), "nothing to serve");
        assertOneLineError(run("serve", "--ntp-port", "0", "--stratum", "16"), "--stratum");
        assertOneLineError(run("serve", "--ntp-port", "0", "--ntp-timestamps", "hw"), "auto, kernel or user");
        assertOneLineError(run("offset", "ntp://127.0.0.1:1", "--own-server", "--samples", "20000"), "at most 10000");
        assertOneLineError(run("serve", "--echo-port", "0", "--simulate-offset", "12"), "needs a unit");
        assertOneLineError(run("serve", "--echo-port", "70000"), "out of range");
        assertOneLineError(run("nonsense"), "Unmatched argument");
        assertOneLineError(run(), "");
        assertOneLineError(run("serve", "--echo-port", "0", "--duration", "-1s"), "--duration");
        assertOneLineError(run("offset", "echo://127.0.0.1:1", "--timeout", "1us"), "at least 1ms");
        assertOneLineError(run("bench"), "name a benchmark");
    }

    @Test
    void servePrintsItsPortAndServes() throws Exception {
        // No --duration: the server serves until the measurement is done, however slow the machine.
        try (ServingCommand serve = ServingCommand.start("serve-under-test",
                "serve", "--echo-port", "0", "--simulate-offset", "137.5ms")) {
            String line = serve.awaitLines(1).get(0);
            assertTrue(line.matches("echo 127\\.0\\.0\\.1:\\d+"), line);
            Result r = run("offset", "echo://" + line.substring(5), "--json", "--samples", "30");
            assertEquals(0, r.code(), r.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(r.out().trim());
            assertEquals(-137_500_000L, (Long) m.get("offset_ns"), 1_000_000L);
        }
    }

    @Test
    void serveNtpAndEchoThenMeasureBoth() throws Exception {
        try (ServingCommand serve = ServingCommand.start("serve-under-test",
                "serve", "--ntp-port", "0", "--echo-port", "0", "--simulate-offset", "2.5ms")) {
            measureBoth(serve.awaitLines(3));
        }
    }

    private static void measureBoth(java.util.List<String> all) {
        assertTrue(all.get(0).matches("ntp 127\\.0\\.0\\.1:\\d+"), all.toString());
        assertTrue(all.get(1).matches("echo 127\\.0\\.0\\.1:\\d+"), all.toString());
        // The CLI jar carries lockstep-linux: on 64-bit Linux the kernel stamps, elsewhere user space.
        boolean linux64 = System.getProperty("os.name").startsWith("Linux")
                && java.util.Set.of("amd64", "aarch64").contains(System.getProperty("os.arch"));
        assertEquals(linux64 ? "ntp-timestamps kernel" : "ntp-timestamps user", all.get(2), all.toString());
        java.util.List<String> lines = all.subList(0, 2);
        for (String line : lines) {
            String[] parts = line.split(" ");
            // Our own server: the fast burst (a public server would get 4 requests 2 s apart).
            Result r = parts[0].equals("ntp")
                    ? run("offset", "ntp://" + parts[1], "--own-server", "--json", "--samples", "10")
                    : run("offset", parts[0] + "://" + parts[1], "--json", "--samples", "10");
            assertEquals(0, r.code(), r.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(r.out().trim());
            assertEquals(parts[0], m.get("protocol"));
            assertEquals(-2_500_000L, (Long) m.get("offset_ns"), 1_000_000L, r.out());
        }
        String ntp = "ntp://" + lines.get(0).split(" ")[1];
        Result several = run("offset", ntp, ntp, "--json", "--samples", "4");
        assertEquals(0, several.code(), several.err());
        assertTrue(several.out().contains("\"sources\":[") && several.out().contains("\"falseticker\":false"), several.out());
        assertOneLineError(run("offset", ntp, "echo://127.0.0.1:1"), "only for ntp://");
    }

    @Test
    void anOutputFileInAMissingDirectoryIsBadInputNamingTheOption() {
        Result track = run("track", "ntp://127.0.0.1:1", "--log", "/nonexistent-lockstep-dir/x.csv", "--count", "1");
        assertEquals(2, track.code(), track.err());
        assertOneLineError(track, "--log /nonexistent-lockstep-dir/x.csv: ");
        Result keygen = run("fleet", "keygen", "--out", "/nonexistent-lockstep-dir/x.key");
        assertEquals(2, keygen.code(), keygen.err());
        assertOneLineError(keygen, "--out /nonexistent-lockstep-dir/x.key: ");
        assertTrue(keygen.err().contains("no such directory /nonexistent-lockstep-dir"), keygen.err());
    }

    @Test
    void withoutAMajorityOffsetStillShowsEachServer() throws IOException {
        // Two servers 1 s apart (their bounds are microseconds) and one that is not there: no majority.
        try (io.lockstep.net.NtpServer a = io.lockstep.net.NtpServer.start(
                     io.lockstep.net.NtpServerConfig.builder(TimeSource.system()).port(0).build());
             io.lockstep.net.NtpServer b = io.lockstep.net.NtpServer.start(io.lockstep.net.NtpServerConfig.builder(
                     new SimulatedTimeSource(TimeSource.system(), 1_000_000_000L, 0)).port(0).build())) {
            String targetA = "ntp://127.0.0.1:" + a.port();
            String targetB = "ntp://127.0.0.1:" + b.port();
            Result r = run("offset", targetA, targetB, "ntp://127.0.0.1:1", "--own-server", "--samples", "4");
            assertEquals(1, r.code(), r.err() + r.out());
            assertOneLineError(r, "no majority of the 2 servers agree");
            java.util.List<String> lines = r.out().lines().toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains(targetA) && l.contains(" ± ")), r.out());
            // B's row: its offset within its own stated bound of the truth (-1 s), not a fixed window: a
            // busy machine widens both (CI saw -998.054 ms ± 1.970 ms).
            String rowB = lines.stream().filter(l -> l.contains(targetB)).findFirst().orElseThrow(() -> new AssertionError(r.out()));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(-?\\d+\\.\\d{3}) ms ± (\\d+\\.\\d{3}) ms").matcher(rowB);
            assertTrue(m.find(), rowB);
            double offsetMs = Double.parseDouble(m.group(1));
            double boundMs = Double.parseDouble(m.group(2));
            assertTrue(Math.abs(offsetMs + 1000.0) <= boundMs + 0.001, rowB);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("unreachable") && l.contains("ntp://127.0.0.1:1 ")), r.out());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS) // the headsets blink in real time, and a busy CI machine is slow
    void demoShowsTruthAndBothEstimates() {
        Result r = run("demo");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("truth") && r.out().contains("Pupil Labs mean") && r.out().contains("Lockstep"), r.out());
        assertTrue(r.out().contains("lies within"), r.out());
        // The headsets: all ten in the fleet status table, each beside its truth, and every blink accounted for.
        for (int i = 1; i <= 10; i++) {
            String name = "headset-" + i + " ";
            assertTrue(r.out().lines().filter(l -> l.contains(name)).count() >= 2, name + ":\n" + r.out());
        }
        assertTrue(r.out().contains("Lockstep: 50 of 50 blinks"), r.out());
        assertTrue(r.out().contains("bash loop") && r.out().contains("of a frame"), r.out());
    }

    @Test
    void benchEchoPrintsATable() {
        Result r = run("bench", "echo", "--exchanges", "200");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| Lockstep"), r.out());
        assertTrue(r.out().contains("round trip: p50"), r.out());
    }

    @Test
    void aZeroIntervalGetsNoSuggestionThatIsThenRefused() {
        Result r = run("track", "echo://127.0.0.1:9", "--interval", "0");
        assertOneLineError(r, "--interval must be positive");
        assertEquals(2, r.code());
        assertFalse(r.err().contains("0ms"), r.err());
        Result unitless = run("track", "echo://127.0.0.1:9", "--interval", "5");
        assertOneLineError(unitless, "e.g. 5ms");
        assertEquals(2, unitless.code());
    }
}
