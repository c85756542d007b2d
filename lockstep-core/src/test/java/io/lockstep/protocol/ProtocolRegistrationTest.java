package io.lockstep.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.ClockReading;
import io.lockstep.clock.ClockState;
import io.lockstep.internal.estimate.NtpEstimator;
import io.lockstep.internal.protocol.EchoProtocol;
import io.lockstep.internal.protocol.NeonProtocol;
import io.lockstep.internal.protocol.NtpProtocol;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.time.TimeSource;
import io.lockstep.time.VirtualTimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;

/**
 * A protocol the library has never heard of takes one registration: after
 * {@code Protocols.standard().with(fake)}, its targets parse, measure and track through the
 * same code as NTP and Time Echo, with no scheme compared anywhere else.
 */
class ProtocolRegistrationTest {

    private static final long OFFSET_NANOS = 3_250_000;
    private static final long ONE_WAY_NANOS = 40_000;

    /** A remote that reads {@link #OFFSET_NANOS} behind the local clock over a symmetric 40 µs path. */
    private static class FakeProtocol implements Protocol {
        final List<String> opened = new ArrayList<>();

        @Override
        public String scheme() {
            return "fake";
        }

        @Override
        public int defaultPort() {
            return 4000;
        }

        @Override
        public TimeProbe open(Target target, TimeSource local, long timeoutNanos) {
            opened.add(target.authority());
            Protocol self = this;
            return new TimeProbe() {
                @Override
                public TimeSample exchange() {
                    long t1 = local.wallNanos();
                    if (local instanceof VirtualTimeSource v) {
                        v.advance(2 * ONE_WAY_NANOS);
                    }
                    long remote = t1 + ONE_WAY_NANOS - OFFSET_NANOS;
                    return new TimeSample(t1, remote, remote, t1 + 2 * ONE_WAY_NANOS, 1);
                }

                @Override
                public Protocol protocol() {
                    return self;
                }

                @Override
                public long remoteResolutionNanos() {
                    return 1;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public int defaultSamples() {
            return 5;
        }

        @Override
        public OffsetEstimate estimate(Target target, List<TimeSample> samples, int dropped, String dropSummary,
                                       double maxDriftPpm) {
            return NtpEstimator.estimate(target.text(), scheme(), samples, dropped, dropSummary);
        }
    }

    @Test
    void oneRegistrationMakesAProtocolMeasurableAndTrackable() throws Exception {
        FakeProtocol fake = new FakeProtocol();
        Protocols registry = Protocols.standard().with(fake);

        Target target = registry.parse("fake://device.local");
        assertEquals(4000, target.port());
        assertTrue(registry.forms().contains("fake://HOST[:PORT]"), registry.forms());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Target.parse("fake://device.local"))
                .getMessage().contains("unknown scheme"), "the standard registry is unchanged");

        OffsetEstimate e = new OffsetMeter().measure(target, 5, Progress.NONE);
        assertEquals("fake", e.protocol());
        assertEquals(5, e.samples());
        assertTrue(e.contains(OFFSET_NANOS), e.toString());
        assertEquals(List.of("device.local:4000"), fake.opened);

        VirtualTimeSource local = new VirtualTimeSource();
        TrackingOptions options = TrackingOptions.defaults().withLocal(local);
        try (Tracker tracker = Tracker.open(target, options)) {
            tracker.run(0, 20, mono -> local.advance(Math.max(0, mono - local.monoNanos())), r -> { });
            ClockReading reading = tracker.read();
            assertEquals(ClockState.SYNCED, reading.state());
            assertTrue(Math.abs(reading.offsetNanos() - OFFSET_NANOS) <= reading.errorBoundNanos(), reading.toString());
            assertEquals(reading.localNanos() - OFFSET_NANOS, reading.referenceNanos(), reading.errorBoundNanos());
        }
    }

    @Test
    void aSchemeCannotBeRegisteredTwice() {
        Protocol ntpAgain = new FakeProtocol() {
            @Override
            public String scheme() {
                return "ntp";
            }
        };
        assertThrows(IllegalArgumentException.class, () -> Protocols.standard().with(ntpAgain));
    }

    /**
     * The standard registry finds core's adapters as a service (the registry's package does not
     * import them), in the order the command line lists them, as the very instances the probes report.
     */
    @Test
    void theStandardRegistryHoldsCoresProtocolsInTheirOrder() {
        Protocols standard = Protocols.standard();
        assertEquals("ntp://HOST[:PORT], echo://HOST:PORT or neon://HOST[:PORT]", standard.forms());
        assertSame(NtpProtocol.INSTANCE, standard.find("ntp").orElseThrow());
        assertSame(EchoProtocol.INSTANCE, standard.find("ECHO").orElseThrow());
        assertSame(NeonProtocol.INSTANCE, standard.find("neon").orElseThrow());
        assertSame(EchoProtocol.INSTANCE, standard.parse("echo://127.0.0.1:4242").protocol());
    }
}
