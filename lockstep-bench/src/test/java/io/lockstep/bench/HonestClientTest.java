package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.net.Addresses;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

class HonestClientTest {

    @Test
    void measuresUntilStoppedAndStoppingIsNoFailure() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).warmUp(false).build())) {
            HonestClient client = new HonestClient(Target.parse("ntp://" + Addresses.format(server.localAddress())));
            client.start();
            // Two finished measurements show it repeats; a busy machine may take long over them.
            long deadlineNanos = System.nanoTime() + 60_000_000_000L;
            while (client.attempts() < 2 && System.nanoTime() - deadlineNanos < 0) {
                Thread.sleep(20);
            }
            HonestClient.Summary s = client.stop();
            assertTrue(s.attempts() >= 2, s.toString());
            // Stopping waits for the measurement under way instead of interrupting it.
            assertNull(s.firstFailure(), s.toString());
            assertEquals(s.attempts(), s.boundsNanos().size());
        }
    }

    @Test
    void describesSuccessesBoundsAndTheFirstFailure() {
        assertEquals("3/3 ok, bound median 60 µs, max 12.0 ms",
                new HonestClient.Summary(3, List.of(12_000_000L, 40_000L, 60_000L), null).describe());
        assertEquals("0/2 ok; failed: connection refused",
                new HonestClient.Summary(2, List.of(), "connection refused").describe());
    }
}
