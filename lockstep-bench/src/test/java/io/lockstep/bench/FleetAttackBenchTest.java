package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.lockstep.fleet.AgentStatus;

/**
 * The fleet attack bench's parts, in process: the hostile agent answers as documented, the HTTP
 * attacks are bounded and close what they open, the honest poll judges answers, the options
 * refuse unknown attacks. (The whole bench starts JVMs; BenchAttackCommandTest runs a quick one.)
 */
class FleetAttackBenchTest {

    /** The bench measures the flags `./lockstep agent` really runs with. */
    @Test
    void theScriptAndTheBenchUseTheSameAgentFlags() throws Exception {
        String script = java.nio.file.Files.readString(java.nio.file.Path.of("..", "lockstep"));
        assertTrue(script.contains("LOCKSTEP_JAVA_OPTS=\"" + FleetAttackBench.AGENT_FLAGS + "\""), script);
    }

    @Test
    void unknownAttacksAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FleetAttackBench.Options(List.of("agent-syn-flood"), FleetAttackBench.Sizes.quick()));
        assertTrue(e.getMessage().contains("unknown fleet attack 'agent-syn-flood'"), e.getMessage());
        assertEquals(12, FleetAttackBench.ATTACKS.size());
    }

    @Test
    void escapeLadenStatusIsWellFormedJsonWhoseStringsCarryEscapes() throws Exception {
        try (HostileAgent evil = new HostileAgent(HostileAgent.Mode.ESCAPES, 0, 0)) {
            AgentStatus s = AgentStatus.parse(body(get(evil.address(), "/api/status")));
            assertTrue(s.name().contains("\u001b[2J") && s.lastFailure().contains("\u0007"), s.toString());
        } catch (AgentStatus.GarbledException e) {
            // The state carries escapes too, so a parser may refuse it; the name must then have been read first.
            assertTrue(e.getMessage().contains("unknown state"), e.getMessage());
        }
    }

    @Test
    void outOfRangeStatusIsRefusedAsImpossible() throws Exception {
        // Well-formed JSON with maximal numbers: the monitor must never read it as a synced device.
        try (HostileAgent evil = new HostileAgent(HostileAgent.Mode.OUT_OF_RANGE, 0, 0)) {
            String status = body(get(evil.address(), "/api/status"));
            assertTrue(status.contains(Long.toString(Long.MAX_VALUE)), status);
            AgentStatus.GarbledException e = assertThrows(AgentStatus.GarbledException.class,
                    () -> AgentStatus.parse(status));
            assertTrue(e.getMessage().contains("impossible"), e.getMessage());
        }
    }

    @Test
    void hugeAnswersAreAsLongAsAnnounced() throws Exception {
        try (HostileAgent evil = new HostileAgent(HostileAgent.Mode.HUGE, 300_000, 0)) {
            String answer = get(evil.address(), "/api/status");
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("Content-Length: 300000"), answer.substring(0, 80));
            assertEquals(300_000, body(answer).length());
        }
    }

    @Test
    void aTricklingAgentStopsAtItsDeadlineAndClosesEverything() throws Exception {
        HostileAgent evil = new HostileAgent(HostileAgent.Mode.TRICKLE, 0, 60_000_000_000L);
        try (Socket s = new Socket()) {
            s.connect(evil.address(), 2_000);
            s.getOutputStream().write("GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            assertTrue(in.read() >= 0, "the answer starts");
            evil.close();
            // Closed by the agent: the read ends (EOF or reset) instead of trickling for a minute.
            try {
                while (in.read() >= 0) {
                    // Drain what was sent before the close.
                }
            } catch (IOException reset) {
                // Also an end.
            }
        }
    }

    @Test
    void heldConnectionsAreClosedWhenTheHoldEnds() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(server.accept());
                    }
                } catch (IOException closed) {
                    // Test over.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LoopbackAttacks.Load l = HttpAttacks.hold((InetSocketAddress) server.getLocalSocketAddress(),
                    HttpAttacks.Hold.SLOW_HEADERS, 3, 1_500_000_000L);
            assertTrue(l.summary().startsWith("3 slow headers"), l.summary());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (accepted.size() < 3 && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            for (Socket s : accepted) {
                s.setSoTimeout(10_000);
                String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(got.startsWith("GET /api/status HTTP/1.1\r\n") && !got.contains("\r\n\r\n"), got);
                assertEquals(HttpAttacks.SOURCE, s.getInetAddress());
                s.close();
            }
        }
    }

    @Test
    void earlyClosesSendEveryRequestAndCloseUnread() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        try (Socket s = server.accept()) {
                            s.setSoTimeout(5_000);
                            if (new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("GET /x")) {
                                requests.incrementAndGet();
                            }
                        }
                    }
                } catch (IOException closed) {
                    // Test over.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LoopbackAttacks.Load l = HttpAttacks.earlyClose((InetSocketAddress) server.getLocalSocketAddress(), "/x", 20,
                    30_000_000_000L);
            assertTrue(l.summary().startsWith("20 GET /x closed unread"), l.summary());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (requests.get() < 20 && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            assertEquals(20, requests.get());
        }
    }

    @Test
    void anHonestPollNeedsAWholeStatusInTime() throws Exception {
        try (HostileAgent evil = new HostileAgent(HostileAgent.Mode.OUT_OF_RANGE, 0, 0)) {
            // A whole answer in time is an answer; as a status it is refused, its numbers being impossible.
            assertTrue(FleetAttackBench.poll(evil.address(), "/api/status", false));
            assertFalse(FleetAttackBench.poll(evil.address(), "/api/status", true));
        }
        try (HostileAgent evil = new HostileAgent(HostileAgent.Mode.TRICKLE, 0, 10_000_000_000L)) {
            long t0 = System.nanoTime();
            assertFalse(FleetAttackBench.poll(evil.address(), "/api/status", true));
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "the poll keeps its deadline");
        }
    }

    @Test
    void monitorRowsAreFoundByNameWithControlCharactersShown() {
        String table = "name   target\nhonest agent://x  SYNCED\nevil: refused: \u001b[2J bad\n";
        assertEquals("agent://x SYNCED", FleetAttackBench.row(table, "honest"));
        assertEquals("refused: ?[2J bad", FleetAttackBench.row(table, "evil"));
        assertEquals("no row", FleetAttackBench.row(table, "other"));
    }

    private static String get(InetSocketAddress a, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(a, 2_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
