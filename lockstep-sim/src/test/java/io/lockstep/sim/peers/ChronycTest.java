package io.lockstep.sim.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ChronycTest {

    // Shapes of chrony 4.3 output, as printed by the interop test.
    private static final String SOURCES = String.join("\n",
            "MS Name/IP address         Stratum Poll Reach LastRx Last sample",
            "===============================================================================",
            "^* 127.0.0.1                    10  -2   377     0    -31us[  -31us] +/-   69us", "");
    private static final String SOURCESTATS = String.join("\n",
            "Name/IP Address            NP  NR  Span  Frequency  Freq Skew  Offset  Std Dev",
            "==============================================================================",
            "127.0.0.1                  10   6     2     -0.123      1.234    -29us    10us", "");
    private static final String TRACKING = String.join("\n",
            "Reference ID    : 7F000001 (127.0.0.1)",
            "System time     : 0.000029300 seconds slow of NTP time",
            "Last offset     : -0.000031000 seconds", "");

    @Test
    void durations() {
        assertEquals(44, Chronyc.durationNanos("+44ns"));
        assertEquals(-12_000, Chronyc.durationNanos("-12us"));
        assertEquals(-2_500_000, Chronyc.durationNanos("-2.5ms"));
        assertEquals(3_000_000_000L, Chronyc.durationNanos("3s"));
        assertThrows(IllegalArgumentException.class, () -> Chronyc.durationNanos("12 us"));
    }

    @Test
    void sourcesStatsAndTracking() {
        assertTrue(Chronyc.selected(SOURCES, "127.0.0.1"));
        assertFalse(Chronyc.selected(SOURCES.replace("^*", "^?"), "127.0.0.1"));
        assertEquals(Optional.of(69_000L), Chronyc.errorBoundNanos(SOURCES));
        assertEquals(Optional.of(new Chronyc.SourceStats(10, 10_000)), Chronyc.sourceStats(SOURCESTATS, "127.0.0.1"));
        assertEquals(Optional.empty(), Chronyc.sourceStats(SOURCESTATS, "10.0.0.1"));
        // "slow": this host's clock is behind the server, local − server negative.
        assertEquals(Optional.of(-29_300L), Chronyc.localMinusServerNanos(TRACKING));
        assertEquals(Optional.of(29_300L), Chronyc.localMinusServerNanos(TRACKING.replace("slow", "fast")));
        assertEquals(Optional.empty(), Chronyc.localMinusServerNanos("506 Cannot talk to daemon"));
    }
}
