package io.lockstep.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;

class SourceSelectionTest {

    private static OffsetEstimate est(String name, long offset, long bound) {
        Stats s = Stats.of(new double[] {offset / 1e6});
        return new OffsetEstimate(name, "ntp", offset, bound, 100_000, 8, 0, s, s, "test", 0L);
    }

    @Test
    void oneSourceIsItsOwnIntersection() throws Exception {
        SelectedSources r = SourceSelection.select(List.of(est("a", 1_000, 200)));
        assertEquals(1_000, r.combined().offsetNanos());
        assertEquals(200, r.combined().errorBoundNanos());
        assertEquals(800, r.intersectionLowNanos());
        assertEquals(1_200, r.intersectionHighNanos());
    }

    @Test
    void aServerFarFromTheOthersIsAFalseticker() throws Exception {
        OffsetEstimate a = est("a", 0, 100_000);
        OffsetEstimate b = est("b", 30_000, 100_000);
        OffsetEstimate c = est("c", 5_000_000, 100_000);
        SelectedSources r = SourceSelection.select(List.of(a, b, c));
        assertEquals(List.of(a, b), r.truechimers());
        assertEquals(List.of(c), r.falsetickers());
        assertTrue(r.isFalseticker(c));
        assertEquals(-70_000, r.intersectionLowNanos());
        assertEquals(100_000, r.intersectionHighNanos());
        assertEquals(15_000, r.combined().offsetNanos());
        assertEquals(85_000, r.combined().errorBoundNanos());
        assertTrue(r.combined().contains(0) && r.combined().contains(30_000));
        assertEquals("a,b,c", r.combined().target());
        assertEquals(16, r.combined().samples());
    }

    @Test
    void tighterSourcesWeighMore() throws Exception {
        SelectedSources r = SourceSelection.select(List.of(est("a", 0, 10_000), est("b", 9_000, 90_000)));
        assertEquals(900, r.combined().offsetNanos());
    }

    @Test
    void twoDisagreeingServersHaveNoMajority() {
        assertThrows(SourceSelection.NoMajorityException.class,
                () -> SourceSelection.select(List.of(est("a", 0, 100), est("b", 1_000, 100))));
    }

    @Test
    void touchingIntervalsIntersect() throws Exception {
        SelectedSources r = SourceSelection.select(List.of(est("a", 0, 100), est("b", 200, 100)));
        assertEquals(100, r.intersectionLowNanos());
        assertEquals(100, r.intersectionHighNanos());
        assertEquals(2, r.truechimers().size());
    }

    @Test
    void fiveServersToleratesTwoFalsetickers() throws Exception {
        SelectedSources r = SourceSelection.select(List.of(est("a", 0, 50), est("b", 10, 50), est("c", -10, 50),
                est("d", 10_000, 50), est("e", -10_000, 50)));
        assertEquals(3, r.truechimers().size());
        assertEquals(2, r.falsetickers().size());
        assertTrue(Math.abs(r.combined().offsetNanos()) <= 10);
    }
}
