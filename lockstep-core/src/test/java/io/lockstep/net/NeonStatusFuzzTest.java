package io.lockstep.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of how a {@code neon://} target's {@code /api/status} body is read:
 * any body gives a valid port or an {@link IOException} with a message, never another
 * exception. Corpus under {@code src/test/resources/io/lockstep/net/NeonStatusFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NeonStatusFuzzTest {

    @FuzzTest
    void anyStatusBody(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        try {
            int port = NeonClient.timeEchoPort(body, "http://phone:8080/api/status");
            assertTrue(port >= 1 && port <= 65535, "port " + port);
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        }
    }
}
