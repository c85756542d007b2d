package io.lockstep.fleet.chrony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.fleet.AgentStatus;
import io.lockstep.fleet.MetricsText;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.sim.peers.NtpPeers;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The agent's view of chronyd, with a real chronyd ({@code -x}: it never touches the clock) in a
 * private directory following a server that reads 3 ms ahead of this host: where the agent
 * tracks the same server, the two agree (both see the system clock about 3 ms behind); where the
 * agent tracks another server (at this host's time), they disagree and the device is flagged.
 * Without a chronyd, there is simply no chrony view.
 */
class ChronyWatchTest {

    private static final long AHEAD_NANOS = 3_000_000L;

    @Test
    void noChronydNoView() throws Exception {
        try (ChronyWatch w = ChronyWatch.start(List.of("/bin/false"), 60_000_000_000L)) {
            w.readOnce();
            assertNull(w.latest());
            assertNotNull(w.lastFailure());
        }
    }

    @Test
    void agentShowsChronydBesideItsOwnMeasurementAndFlagsADisagreement() throws Exception {
        if (!NtpPeers.usable(NtpPeers.CHRONYD, NtpPeers.CHRONYD.toString(), "-v")) {
            String msg = "chronyd (Debian package chrony) is not usable; .ci/run installs it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        TimeSource system = TimeSource.system();
        try (NtpPeers peers = new NtpPeers();
             NtpServer ahead = NtpServer.start(NtpServerConfig.builder(new SimulatedTimeSource(system, AHEAD_NANOS, 0))
                     .port(0).build());
             NtpServer zero = NtpServer.start(NtpServerConfig.builder(system).port(0).build())) {
            peers.startChronyd("device", List.of("server 127.0.0.1 port " + ahead.port() + " iburst minpoll -2 maxpoll -2",
                    "port 0", "cmdport 0", "bindcmdaddress " + peers.socketPath("device")));
            List<String> chronyc = List.of(NtpPeers.CHRONYC.toString(), "-c", "-n", "-h",
                    peers.socketPath("device").toString(), "tracking");
            InetSocketAddress http = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            try (Agent same = Agent.start(AgentConfig.of(Target.parse("ntp://127.0.0.1:" + ahead.port()), "same", http)
                    .withIntervalNanos(250_000_000L));
                 Agent other = Agent.start(AgentConfig.of(Target.parse("ntp://127.0.0.1:" + zero.port()), "other", http)
                         .withIntervalNanos(250_000_000L))) {
                ChronyWatch watchSame = ChronyWatch.start(chronyc, 250_000_000L);
                ChronyWatch watchOther = ChronyWatch.start(chronyc, 250_000_000L);
                same.watchChrony(watchSame);
                other.watchChrony(watchOther);
                same.tracker().awaitSynced(60_000_000_000L);
                other.tracker().awaitSynced(60_000_000_000L);
                AgentStatus s = awaitChronySynced(same);
                AgentStatus o = awaitChronySynced(other);
                System.out.printf(java.util.Locale.ROOT, "chrony %+.1f us ± %.1f us; agent (same server) %+.1f us ± %.1f us; "
                                + "agent (other server) %+.1f us%n", s.chrony().offsetNanos() / 1e3,
                        s.chrony().errorBoundNanos() / 1e3, s.chrony().systemOffsetNanos() / 1e3,
                        s.chrony().systemErrorBoundNanos() / 1e3, o.chrony().systemOffsetNanos() / 1e3);
                assertEquals(ClockState.SYNCED, s.state());
                assertEquals(Boolean.FALSE, s.chrony().disagrees(), s.chrony().toString());
                // The agent's clock is the system clock here: its own offset is the system clock's.
                assertTrue(Math.abs(s.chrony().systemOffsetNanos() + AHEAD_NANOS) <= s.chrony().systemErrorBoundNanos(),
                        s.toString());
                // Tracking a server at this host's time, the agent sees the system clock at 0, chrony at −3 ms.
                assertEquals(Boolean.TRUE, o.chrony().disagrees(), o.chrony().toString());
                String metrics = other.metricsText();
                assertTrue(metrics.contains("\nlockstep_chrony_disagrees 1"), metrics);
                assertTrue(metrics.contains("\nlockstep_chrony_synced 1"), metrics);
                promtoolAccepts(metrics);
                // And the monitor reads it back.
                assertEquals(o.chrony(), AgentStatus.parse(io.lockstep.fleet.JsonText.write(o.toJson())).chrony());
            }
        }
    }

    /** Prometheus's own linter, where installed (CI installs it). */
    private static void promtoolAccepts(String metrics) throws Exception {
        java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
        if (!java.nio.file.Files.isExecutable(promtool)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but /usr/bin/promtool is missing: install the prometheus package");
            }
            return;
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + said);
        assertEquals("", said.strip(), "promtool lint findings:\n" + said);
    }

    /** chronyd's iburst takes a few seconds; waited on the condition, with a generous deadline. */
    private static AgentStatus awaitChronySynced(Agent agent) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            AgentStatus s = agent.status();
            if (s.chrony() != null && s.chrony().synced() && s.chrony().disagrees() != null
                    && s.chrony().errorBoundNanos() < 1_000_000L) {
                return s;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("chronyd did not synchronise in 60 s: " + s);
            }
            Thread.sleep(100);
        }
    }
}
