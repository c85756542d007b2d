package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** The monitor's HTTP client against a hostile "agent" over loopback. */
class AgentClientTest {

    private static final long ENDLESS_BYTES = 48L << 20;

    /** What each kind of answer to a trigger means, without sockets. */
    @Test
    void anAnswerToATriggerIsAcceptedRefusedFailedOrUnreachable() {
        AgentClient.Ack ok = AgentClient.acknowledgement(new AgentClient.Answer(202,
                "{\"accepted\":true,\"predicted_bound_ns\":1500}", null, false));
        assertEquals(new AgentClient.Ack(FiringState.SCHEDULED, 1500L, null, null), ok);
        AgentClient.Ack refused = AgentClient.acknowledgement(new AgentClient.Answer(409,
                "{\"error\":\"trigger x was already accepted\\u001b[2J\",\"code\":\"replay\"}", null, false));
        assertEquals(FiringState.REFUSED, refused.state());
        assertEquals("trigger x was already accepted?[2J", refused.reason());
        assertEquals("replay", refused.refusalCode());
        assertEquals(FiringState.FAILED, AgentClient.acknowledgement(new AgentClient.Answer(200, "<html>", null, false))
                .state());
        assertEquals("HTTP 500: boom", AgentClient.acknowledgement(new AgentClient.Answer(500, "{\"error\":\"boom\"}",
                null, false)).reason());
        AgentClient.Ack gone = AgentClient.acknowledgement(new AgentClient.Answer(-1, null,
                "unreachable: connection refused", false));
        assertEquals(FiringState.UNREACHABLE, gone.state());
        assertNull(gone.predictedBoundNanos());
    }

    @Test
    void anEndlessStatusIsCutOffNotReadIntoMemory() throws Exception {
        AtomicLong sentBytes = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/", ex -> {
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = ex.getResponseBody()) {
                ex.sendResponseHeaders(200, 0);
                while (sentBytes.get() < ENDLESS_BYTES) {
                    out.write(chunk);
                    sentBytes.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // The monitor hung up: what this test wants.
            } finally {
                done.countDown();
            }
        });
        server.start();
        try {
            AgentClient.Result r = new AgentClient(5_000_000_000L)
                    .status("127.0.0.1", server.getAddress().getPort()).get(60, TimeUnit.SECONDS);
            assertTrue(r.status() == null && r.error().startsWith("garbled status"), String.valueOf(r.error()));
            assertTrue(done.await(60, TimeUnit.SECONDS), "the server still writes");
            // Socket buffers on loopback take a few MB before the write fails; reading it all would take every byte.
            assertTrue(sentBytes.get() < ENDLESS_BYTES / 2,
                    "the monitor read " + sentBytes.get() + " bytes of a status limited to " + AgentStatus.MAX_BYTES);
        } finally {
            server.stop(0);
        }
    }
}
