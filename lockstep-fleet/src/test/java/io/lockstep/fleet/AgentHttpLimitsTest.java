package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP layer under the attacks of issue 16, on loopback with a real agent: clients
 * that close before reading their answer leak nothing, and connections that never finish their
 * headers do not keep an honest monitor from reading the status.
 */
class AgentHttpLimitsTest {

    private static LoopbackFleet fleet;
    private static Agent agent;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        fleet = new LoopbackFleet(new long[] {0}, new double[] {0});
        agent = fleet.agents.get(0);
        agent.tracker().awaitSynced(Duration.ofSeconds(60));
        address = new InetSocketAddress("127.0.0.2", agent.httpAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    @Test
    void earlyClosingClientsLeakNoDescriptor() throws Exception {
        int before = HttpAttack.descriptors();
        for (int i = 0; i < 3_000; i++) {
            HttpAttack.earlyClose(address, i % 2 == 0 ? FleetApi.STATUS_PATH : FleetApi.METRICS_PATH, i % 3 == 0);
        }
        // The agent finishes the last answers on its own threads: wait for the count to come back.
        int slack = 16;
        long deadline = System.nanoTime() + 60_000_000_000L;
        int now = HttpAttack.descriptors();
        while (now > before + slack && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = HttpAttack.descriptors();
        }
        assertTrue(now <= before + slack, "descriptors " + before + " before, " + now + " after 3,000 early closes");
    }

    @Test
    void slowHeadersDoNotBlockStatus() throws Exception {
        AgentClient client = new AgentClient(3_000_000_000L);
        int polls = 100;
        int failed = 0;
        List<String> errors = new ArrayList<>();
        try (HttpAttack attack = new HttpAttack(address, "127.0.1.", 50)) {
            attack.keepUp();
            for (int i = 0; i < polls && failed <= 1; i++) {
                attack.keepUp();
                AgentClient.Result r = client.status("127.0.0.2", address.getPort()).join();
                if (r.status() == null) {
                    failed++;
                    errors.add(r.error());
                }
            }
        }
        // At least 99 % of the polls: with 100 polls, one may fail.
        assertTrue(failed <= 1, failed + " of " + polls + " polls failed: " + HttpAttack.sample(errors, 3));
    }
}
