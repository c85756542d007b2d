package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/** neon:// targets end to end against the fake Companion app. */
class FakeCompanionTest {

    @Test
    void neonTargetResolvesTheTimeEchoPortAndMeasures() throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(TimeSource.system(), -42_000_000L, 15.0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            Target t = Target.parse("neon://127.0.0.1:" + app.httpPort());
            OffsetEstimate e = new OffsetMeter().measure(t, 50, Progress.NONE);
            assertEquals("neon", e.protocol());
            assertEquals(42_000_000L, e.offsetNanos(), 1_000_000L, e.toString());
            assertTrue(Math.abs(e.offsetNanos() + phone.aheadOfReferenceNanos()) <= e.errorBoundNanos());
        }
    }

    @Test
    void tooOldAppGetsAClearError() throws IOException {
        try (FakeCompanion app = FakeCompanion.startTooOld()) {
            Target t = Target.parse("neon://127.0.0.1:" + app.httpPort());
            IOException e = assertThrows(IOException.class, () -> new OffsetMeter().measure(t, 10, Progress.NONE));
            assertTrue(e.getMessage().startsWith("Companion app too old: Time Echo needs a newer version"), e.getMessage());
        }
    }
}
