package io.lockstep.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.time.TimeSource;

/**
 * Opening a {@code neon://} target: the one {@code /api/status} request that finds the Time Echo
 * port is set-up, not an exchange, so a busy phone or host that answers it slower than the
 * tracker's per-exchange timeout (its interval, 250 ms at {@code --interval 250ms}) must not make
 * {@code track} give up before its first exchange.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NeonProtocolTest {

    @Test
    void aStatusAnswerSlowerThanTheExchangeTimeoutStillOpens() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket echo = new ServerSocket(0, 50, loopback); ServerSocket http = new ServerSocket(0, 50, loopback)) {
            http.setSoTimeout(30_000);
            Thread server = new Thread(() -> {
                try (Socket s = http.accept()) {
                    s.setSoTimeout(30_000);
                    InputStream in = s.getInputStream();
                    // Read the request head, then answer late, as a loaded phone or host does.
                    int state = 0;
                    while (state < 4) {
                        int c = in.read();
                        if (c < 0) {
                            return;
                        }
                        state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
                    }
                    Thread.sleep(600);
                    byte[] body = ("{\"message\":\"\",\"result\":[{\"model\":\"Phone\",\"data\":{\"time_echo_port\":"
                            + echo.getLocalPort() + "}}]}").getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (Exception ignored) {
                    // The test's assertion reports what the client saw.
                }
            }, "slow-companion-status");
            server.setDaemon(true);
            server.start();
            Target target = Target.parse("neon://127.0.0.1:" + http.getLocalPort());
            assertDoesNotThrow(() -> {
                try (TimeProbe probe = NeonProtocol.INSTANCE.open(target, TimeSource.system(), 250_000_000L)) {
                    // Opened: the Time Echo port was found and connected.
                }
            });
            server.join(30_000);
        }
    }
}
