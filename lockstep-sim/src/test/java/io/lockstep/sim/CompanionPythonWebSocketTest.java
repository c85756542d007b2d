package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.time.TimeSource;

/**
 * {@code /api/status}'s WebSocket read by Python's websockets library (Debian's
 * python3-websockets), the library Pupil Labs' client connects with: the components on connect,
 * a recording's START, pings answered while it runs, STOP and DISCARD on cancel. Skipped with a
 * message where the library is missing, except under CI (.ci/run installs it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompanionPythonWebSocketTest {

    @Test
    void pythonsWebsocketsClientReadsTheStatusUpdatesAndGetsItsPongs() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        boolean available = Files.isExecutable(python)
                && new ProcessBuilder(python.toString(), "-c", "import websockets").start().waitFor() == 0;
        if (!available) {
            assumeTrue("true".equals(System.getenv("CI")),
                    "python3-websockets is not installed: skipping the Python WebSocket client test");
        }
        Path script = Files.createTempFile("lockstep-websockets", ".py");
        try (InputStream in = CompanionPythonWebSocketTest.class.getResourceAsStream("websockets_status.py");
                FakeCompanion app = FakeCompanion.start(TimeSource.system())) {
            Files.write(script, in.readAllBytes());
            Process p = new ProcessBuilder(python.toString(), script.toString(), "127.0.0.1",
                    Integer.toString(app.httpPort())).redirectErrorStream(true).start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the Python client did not finish");
            } finally {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), out);
            List<String> lines = out.lines().toList();
            assertEquals(List.of("initial Phone,Hardware," + String.join(",", java.util.Collections.nCopies(10, "Sensor")),
                    "update Recording START True", "pongs 3", "update Recording STOP", "update Recording DISCARD"), lines, out);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
