package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.fleet.dashboard.DashboardFrame.Mark;
import io.lockstep.fleet.dashboard.DashboardFrame.Row;

class DashboardFrameTest {

    private static List<Mark> marks(List<Row> rows) {
        return rows.stream().map(Row::mark).toList();
    }

    @Test
    void aFleetWithinToleranceHasNoCulprit() {
        List<Row> rows = List.of(Frames.row("a", 0, 10_000), Frames.row("b", 0, 10_000), Frames.row("c", 900_000, 10_000));
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.OK), marks(DashboardFrame.markOutliers(rows, 1_000_000, true)));
    }

    @Test
    void theMisconfiguredDeviceIsMarked() {
        List<Row> rows = List.of(Frames.row("a", 100_000, 50_000), Frames.row("b", -80_000, 50_000),
                Frames.row("c", 2_500_000, 50_000), Frames.row("d", 20_000, 50_000));
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.OUT_OF_TOLERANCE, Mark.OK),
                marks(DashboardFrame.markOutliers(rows, 1_000_000, false)));
    }

    @Test
    void twoDevicesApartAreBothMarkedAndOtherMarksStay() {
        Row unreachable = new Row("u", "agent://127.0.0.9:1", "agent", false, "UNREACHABLE", false, 0, 0,
                Double.NaN, -1, "connection refused", Mark.UNREACHABLE);
        List<Row> rows = List.of(Frames.row("a", -700_000, 1_000), Frames.row("b", 700_000, 1_000), unreachable);
        assertEquals(List.of(Mark.OUT_OF_TOLERANCE, Mark.OUT_OF_TOLERANCE, Mark.UNREACHABLE),
                marks(DashboardFrame.markOutliers(rows, 1_000_000, false)));
    }

    @Test
    void devicesSecondsOffAreJudgedAgainstTheMedian() {
        List<Row> rows = List.of(Frames.row("a", 2_000_000_000L, 1), Frames.row("b", 2_000_010_000L, 1),
                Frames.row("c", 2_000_020_000L, 1), Frames.row("d", -2_000_000_000L, 1));
        assertEquals(List.of(Mark.OK, Mark.OK, Mark.OK, Mark.OUT_OF_TOLERANCE),
                marks(DashboardFrame.markOutliers(rows, 1_000_000, false)));
    }
}
