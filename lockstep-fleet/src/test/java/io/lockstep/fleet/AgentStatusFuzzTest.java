package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.clock.ClockState;

/**
 * Coverage-guided fuzzing of what the monitor reads from an agent's {@code GET /api/status}
 * ({@code fleet status}, the dashboard, and {@code --scan}'s replies, all through
 * {@link AgentClient}): any body, decoded as the client decodes it, gives an
 * {@link AgentStatus} or a {@link AgentStatus.GarbledException} with a one-line reason, never
 * another exception. A status read keeps the document's promises (a synced state has an offset
 * and a non-negative bound) and reads the same when written back; a scan reply's name makes a
 * device row without control characters. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/AgentStatusFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AgentStatusFuzzTest {

    @FuzzTest
    void anyStatusBody(FuzzedDataProvider data) throws Exception {
        byte[] bytes = data.consumeRemainingAsBytes();
        if (bytes.length > AgentStatus.MAX_BYTES) {
            return; // the client drops a longer body before parsing
        }
        AgentStatus s;
        try {
            s = AgentStatus.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (AgentStatus.GarbledException expected) {
            String why = expected.getMessage();
            assertTrue(why != null && !why.isBlank() && why.indexOf('\n') < 0 && why.indexOf('\r') < 0,
                    () -> "reason '" + why + "'");
            return;
        }
        if (s.state() != ClockState.UNSYNCED) {
            assertTrue(s.offsetNanos() != null && s.errorBoundNanos() != null, "a synced state has a reading");
        }
        assertTrue(s.errorBoundNanos() == null || s.errorBoundNanos() >= 0, "a bound is never negative");
        assertEquals(s, AgentStatus.parse(JsonText.write(s.toJson())), "written back, it reads the same");
        // What --scan and the table then do with it: a version verdict and a device named after the agent.
        FleetApi.incompatibility(s.apiVersion(), s.version());
        Device d = Device.parse(s.name(), "agent://127.0.0.1:7474");
        assertTrue(d.name().codePoints().noneMatch(Character::isISOControl), () -> "control character in " + d.name());
    }
}
