package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.sim.peers.NtpPeers;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep offset ntp://…} is polite to servers it does not own: with its defaults it
 * loses no request to a chronyd that rate-limits as chrony documents ({@code ratelimit interval 3
 * burst 8}); fast bursts need {@code --own-server}; and an estimate that rests on fewer samples
 * than asked says so. chronyd runs with {@code -x} (never touches the clock) and a private
 * configuration, on loopback; the chronyd test is skipped when chronyd is missing (and fails
 * under CI, which installs it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffsetNtpPolitenessTest {

    @Test
    void defaultsLoseNoRequestToARateLimitingChronyd() throws Exception {
        if (!NtpPeers.usable(NtpPeers.CHRONYD, NtpPeers.CHRONYD.toString(), "-v")) {
            String msg = NtpPeers.CHRONYD + " (Debian package chrony) is not usable; .ci/run installs it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        try (NtpPeers peers = new NtpPeers()) {
            int port = NtpPeers.freeUdpPort();
            // noclientlog would switch the rate limit off: the client log is what it counts in.
            peers.startChronyd("limited-server", List.of("port " + port, "bindaddress 127.0.0.1", "allow 127.0.0.1",
                    "local stratum 8", "cmdport 0", "ratelimit interval 3 burst 8"));
            MainTest.Result r = MainTest.run("offset", "ntp://127.0.0.1:" + port, "--json");
            assertEquals(0, r.code(), r.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(r.out().trim());
            System.out.println("offset against chronyd with ratelimit interval 3 burst 8: " + r.out().trim());
            assertEquals(0L, m.get("dropped"), r.out());
            assertEquals(m.get("requested"), m.get("samples"), r.out());
            assertTrue(r.err().lines().noneMatch(l -> l.startsWith("warning")), r.err());
        }
    }

    @Test
    void anEstimateOnFewerSamplesThanAskedSaysSo() throws Exception {
        // serve --ntp-rate-limit 4: 4 requests/s, bursts of 32.
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.perSecond(4)).build())) {
            String target = "ntp://127.0.0.1:" + server.port();
            MainTest.Result json = MainTest.run("offset", target, "--own-server", "--samples", "200", "--json",
                    "--timeout", "200ms");
            assertEquals(0, json.code(), json.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(json.out().trim());
            assertEquals(200L, m.get("requested"), json.out());
            assertTrue((Long) m.get("samples") < 200, json.out());
            assertTrue(json.err().contains("the estimate rests on " + m.get("samples") + " of 200"), json.err());
        }
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.perSecond(4)).build())) {
            MainTest.Result human = MainTest.run("offset", "ntp://127.0.0.1:" + server.port(), "--own-server",
                    "--samples", "200", "--timeout", "200ms");
            assertEquals(0, human.code(), human.err());
            assertTrue(human.out().lines().anyMatch(l -> l.startsWith("warning") && l.contains("of 200 requested")),
                    human.out());
        }
    }

    @Test
    void fastBurstsNeedOwnServer() {
        MainTest.assertOneLineError(MainTest.run("offset", "ntp://127.0.0.1:1", "--samples", "9"), "--own-server");
        MainTest.assertOneLineError(MainTest.run("offset", "echo://127.0.0.1:1", "--own-server"), "ntp://");
    }
}
