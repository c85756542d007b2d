package io.lockstep.measure;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;

class BurstProbeTest {

    private static final long MS = 1_000_000L;

    /** Replays scripted samples; null entries are dropped exchanges. */
    private static TimeProbe scripted(Deque<TimeSample> samples) {
        return new TimeProbe() {
            @Override
            public TimeSample exchange() throws DroppedSampleException {
                TimeSample s = samples.poll();
                if (s == null) {
                    throw new DroppedSampleException("lost");
                }
                return s;
            }

            @Override
            public io.lockstep.protocol.Protocol protocol() {
                return io.lockstep.internal.protocol.EchoProtocol.INSTANCE;
            }

            @Override
            public long remoteResolutionNanos() {
                return MS;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void condensedSampleIsTheIntersectionAndContainsTheTruth() throws Exception {
        Random rnd = new Random(3);
        long ahead = 137_512_345L;
        for (int trial = 0; trial < 200; trial++) {
            Deque<TimeSample> script = new ArrayDeque<>();
            long local = 1_767_225_600_000_000_000L + rnd.nextInt(1_000_000_000);
            long lo = Long.MIN_VALUE;
            long hi = Long.MAX_VALUE;
            for (int i = 0; i < 8; i++) {
                local += rnd.nextInt(2_000_000);
                long t1 = local;
                long at = t1 + 20_000 + rnd.nextInt(200_000);
                long serverMs = Math.floorDiv(at + ahead, MS);
                long t4 = at + 20_000 + rnd.nextInt(200_000);
                TimeSample s = new TimeSample(t1, serverMs * MS, serverMs * MS, t4, MS);
                lo = Math.max(lo, s.minOffsetNanos());
                hi = Math.min(hi, s.maxOffsetNanos());
                script.add(s);
            }
            TimeSample c = new BurstProbe(scripted(script), 8).exchange();
            assertTrue(c.minOffsetNanos() <= -ahead && -ahead <= c.maxOffsetNanos(), "truth inside, trial " + trial);
            assertTrue(Math.abs(lo - c.minOffsetNanos()) <= 2, "lower end");
            assertTrue(Math.abs(hi - c.maxOffsetNanos()) <= 2, "upper end");
            assertTrue(c.roundTripNanos() <= hi - lo + 2);
        }
    }

    @Test
    void survivesSomeDropsButNotAll() throws Exception {
        Deque<TimeSample> one = new ArrayDeque<>();
        one.add(new TimeSample(10 * MS, 5 * MS, 5 * MS, 10 * MS + 50_000, MS));
        TimeSample c = new BurstProbe(scripted(one), 4).exchange();
        assertTrue(c.maxOffsetNanos() - c.minOffsetNanos() <= MS + 50_000 + 2);
        assertThrows(TimeProbe.DroppedSampleException.class, () -> new BurstProbe(scripted(new ArrayDeque<>()), 4).exchange());
    }
}
