package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.fleet.JsonText;

/**
 * Coverage-guided fuzzing of {@link TriggerJson#parse}, the body of {@code POST /api/triggers}
 * that anyone on the network may send an agent: any bytes give a valid {@link Trigger} or a
 * {@link TriggerRefusedException} with {@link Refusal#MALFORMED} and a one-line reason, never
 * another exception; an accepted trigger written back parses to itself. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/trigger/TriggerJsonFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TriggerJsonFuzzTest {

    @FuzzTest
    void anyTriggerBody(FuzzedDataProvider data) throws Exception {
        byte[] body = data.consumeRemainingAsBytes();
        Trigger t;
        try {
            t = TriggerJson.parse(body);
        } catch (TriggerRefusedException refused) {
            assertEquals(Refusal.MALFORMED, refused.refusal());
            String why = refused.getMessage();
            assertTrue(why != null && !why.isBlank() && why.indexOf('\n') < 0, () -> "reason '" + why + "'");
            return;
        }
        Trigger back = TriggerJson.parse(JsonText.write(TriggerJson.toMap(t)).getBytes(StandardCharsets.UTF_8));
        assertEquals(t, back, "a parsed trigger written back parses to itself");
    }
}
