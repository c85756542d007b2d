package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class FrameHistoryTest {

    @Test
    void keepsTheNewestFramesOldestFirst() {
        FrameHistory h = new FrameHistory(3);
        assertNull(h.latest());
        assertEquals(List.of(), h.frames());
        for (int i = 1; i <= 7; i++) {
            h.add(Frames.frame(i, 1_000_000, Frames.row("a", i, 1)));
            assertEquals(Math.min(i, 3), h.frames().size());
            assertEquals(i, h.latest().wallNanos());
        }
        assertEquals(List.of(5L, 6L, 7L), h.frames().stream().map(DashboardFrame::wallNanos).toList());
    }

    @Test
    void refusesAnEmptyRing() {
        assertThrows(IllegalArgumentException.class, () -> new FrameHistory(0));
    }
}
