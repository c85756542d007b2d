package io.lockstep.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.internal.Json;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * Wire compatibility against a second, independent Time Echo implementation: a Python 3
 * standard-library client and server kept in the test resources.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PythonInteropTest {

    @TempDir
    static Path dir;
    static Path client;
    static Path server;

    @BeforeAll
    static void copyScripts() throws IOException {
        client = dir.resolve("echo_client.py");
        server = dir.resolve("echo_server.py");
        for (Path p : new Path[] {client, server}) {
            try (var in = PythonInteropTest.class.getResourceAsStream("/python/" + p.getFileName())) {
                Files.copy(in, p);
            }
        }
    }

    static String python() {
        // Debian's interpreter: the python3 first on PATH may be another one.
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    @Test
    void pythonClientAgainstJavaServer() throws Exception {
        SimulatedTimeSource device = new SimulatedTimeSource(TimeSource.system(), 137_500_000L, 0);
        try (EchoServer echo = EchoServer.start(device, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Process p = new ProcessBuilder(python(), client.toString(), "127.0.0.1", String.valueOf(echo.port()), "100")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), output);
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) Json.parse(output.lines().reduce((a, b) -> b).orElseThrow());
            assertEquals(100L, r.get("samples"));
            assertEquals(0L, r.get("dropped"));
            // Both ends truncate to ms: the Python estimate is within 1.5 ms of the truth.
            assertEquals(-137.5, ((Number) r.get("offset_ms_mean")).doubleValue(), 1.5, output);
        }
    }

    @Test
    void javaClientAgainstPythonServer() throws Exception {
        Process p = new ProcessBuilder(python(), server.toString(), "250", "30").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("port "), "python server said: " + line);
            int port = Integer.parseInt(line.substring(5).trim());
            OffsetEstimate e = new OffsetMeter().measure(Target.parse("echo://127.0.0.1:" + port), 100, Progress.NONE);
            long truth = -250_000_000L;
            assertEquals(0, e.dropped());
            assertEquals(truth, e.offsetNanos(), 1_000_000, e.toString());
            // Python reads the OS clock; the bound includes how far ours may be from it.
            assertTrue(Math.abs(e.offsetNanos() - truth) <= e.errorBoundNanos(), e.toString());
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
