package io.lockstep.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.internal.protocol.NtpProtocol;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;

/** A paced burst never sends two requests closer than its spacing; the meters pick the right pace. */
class BurstSamplerPaceTest {

    /** Answers at once and records when each exchange began (monotonic ns). */
    private static final class InstantProbe implements TimeProbe {
        final List<Long> sentMono = new ArrayList<>();

        @Override
        public TimeSample exchange() {
            sentMono.add(System.nanoTime());
            long t = 1_767_225_600_000_000_000L + sentMono.size() * 1_000_000L;
            return new TimeSample(t, t, t, t + 1_000, 1);
        }

        @Override
        public Protocol protocol() {
            return NtpProtocol.INSTANCE;
        }

        @Override
        public long remoteResolutionNanos() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void pacedRequestsAreNeverCloserThanTheSpacing() throws Exception {
        InstantProbe probe = new InstantProbe();
        long spacing = 30_000_000L;
        Burst burst = BurstSampler.runPaced(probe, 5, spacing, Progress.NONE);
        assertEquals(5, burst.samples().size());
        assertEquals(0, burst.dropped());
        assertNull(burst.stoppedEarly());
        for (int i = 1; i < probe.sentMono.size(); i++) {
            long gap = probe.sentMono.get(i) - probe.sentMono.get(i - 1);
            // A lower bound only: a busy machine may make the gap longer, never shorter.
            assertTrue(gap >= spacing, "gap " + i + " was " + gap + " ns");
        }
    }

    @Test
    void theDefaultMeterIsPoliteAndTheOwnServerMeterIsFast() {
        OffsetMeter polite = new OffsetMeter();
        OffsetMeter own = polite.forOwnServer();
        assertEquals(4, polite.defaultSamples(NtpProtocol.INSTANCE));
        assertEquals(8, polite.maxSamples(NtpProtocol.INSTANCE));
        assertEquals(2_000_000_000L, polite.pace(NtpProtocol.INSTANCE).spacingNanos());
        assertEquals(NtpProtocol.DEFAULT_SAMPLES, own.defaultSamples(NtpProtocol.INSTANCE));
        assertEquals(10_000, own.maxSamples(NtpProtocol.INSTANCE));
        assertNull(own.pace(NtpProtocol.INSTANCE));
        // Time Echo servers are the user's own phones: no public pace.
        assertNull(polite.pace(io.lockstep.internal.protocol.EchoProtocol.INSTANCE));
        assertThrows(IllegalArgumentException.class,
                () -> polite.measure(io.lockstep.protocol.Target.parse("ntp://127.0.0.1:1"), 9, Progress.NONE));
    }
}
