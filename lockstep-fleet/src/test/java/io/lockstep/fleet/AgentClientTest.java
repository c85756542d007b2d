package io.lockstep.fleet;

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
