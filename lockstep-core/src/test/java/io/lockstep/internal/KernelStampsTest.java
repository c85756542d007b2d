package io.lockstep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.lockstep.internal.host.HostClock;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

class KernelStampsTest {

    @Test
    void aStampTakenEarlierMapsToThatMuchEarlierOnTheServedClock() {
        // Host clock at 1000 s; the datagram arrived 40 µs ago; the served clock reads 2.5 ms ahead.
        long host = 1_000_000_000_000L;
        long kernel = host - 40_000;
        long served = host + 2_500_000;
        assertEquals(served - 40_000, KernelStamps.servedWallNanos(kernel, host - 10, served, host + 10));
    }

    @Test
    void theHostReadsAroundTheServedReadAreAveraged() {
        long kernel = 5_000_000_000L;
        // Host read 1000 ns and 1400 ns after the stamp: the served read stands for +1200 ns.
        assertEquals(7_000_000_000L - 1_200,
                KernelStamps.servedWallNanos(kernel, kernel + 1_000, 7_000_000_000L, kernel + 1_400));
    }

    @Test
    void aStampFromTheFutureOrTheDistantPastIsUnusable() {
        long host = 1_000_000_000_000L;
        assertEquals(KernelStamps.UNUSABLE, KernelStamps.servedWallNanos(host + 1_000, host, host, host));
        assertEquals(KernelStamps.UNUSABLE,
                KernelStamps.servedWallNanos(host - KernelStamps.MAX_AGE_NANOS - 1, host, host, host));
        assertEquals(KernelStamps.UNUSABLE, KernelStamps.servedWallNanos(host - 10, host, host, host - 1));
    }

    @Test
    void liveConversionOfAFreshHostStampLandsOnTheServedClockNow() {
        TimeSource system = TimeSource.system();
        SimulatedTimeSource ahead = new SimulatedTimeSource(system, 3_000_000L, 0);
        long kernel = HostClock.realtimeNanos();
        long before = ahead.wallNanos();
        long converted = KernelStamps.servedWallNanos(kernel, ahead);
        // The stamp was taken just before `before`; the system source agrees with the OS clock to
        // within its own uncertainty (a few µs), so allow that plus scheduling slack.
        long slack = system.wallUncertaintyNanos() + 1_000_000L;
        assertTrue(converted <= before + slack && converted >= before - slack, (converted - before) + " ns");
    }
}
