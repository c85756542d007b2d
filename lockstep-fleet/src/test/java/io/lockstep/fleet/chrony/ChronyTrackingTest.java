package io.lockstep.fleet.chrony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The {@code chronyc -c tracking} codec on lines recorded from chrony 4.3 on this machine (a
 * chronyd -x following {@code lockstep serve --simulate-offset 3ms}, and one with no reachable
 * source), its sign conversion and bound, garbled output, and the disagreement flag.
 */
public class ChronyTrackingTest {

    /** Synced, the server 3 ms ahead: chronyc said "System time : 0.002998157 seconds slow of NTP time". */
    public static final String SYNCED = "7F000001,127.0.0.1,11,1796539553.021407399,0.002998157,-0.000000007,0.000000525,"
            + "-0.005,0.000,0.183,0.000004428,0.000000650,0.3,Normal\n";
    /** chronyd started with a server that never answers. */
    static final String UNSYNCED = "00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,"
            + "1.000000000,1.000000000,0.0,Not synchronised\n";

    @Test
    void readsASyncedReportInLockstepSigns() throws Exception {
        ChronyTracking t = ChronyTracking.parse(SYNCED);
        assertEquals("7F000001", t.referenceId());
        assertEquals("127.0.0.1", t.referenceName());
        assertEquals(11, t.stratum());
        assertEquals(1_796_539_553_021_407_399L, t.referenceWallNanos());
        // "slow of NTP time": the system clock is behind, so system − reference is negative.
        assertEquals(-2_998_157L, t.systemMinusReferenceNanos());
        assertEquals(-7L, t.lastOffsetNanos());
        assertEquals(-0.005, t.frequencyPpm());
        assertEquals(4_428L, t.rootDelayNanos());
        assertEquals(650L, t.rootDispersionNanos());
        assertEquals(650L + 4_428L / 2, t.errorBoundNanos());
        assertTrue(t.synced());
        assertEquals("normal", t.leapWord());
    }

    @Test
    void readsAnUnsynchronisedReport() throws Exception {
        ChronyTracking t = ChronyTracking.parse(UNSYNCED);
        assertFalse(t.synced());
        assertEquals("unsynchronised", t.leapWord());
        assertEquals("", t.referenceName());
        assertEquals(0, t.stratum());
        assertEquals(1_500_000_000L, t.errorBoundNanos());
    }

    @Test
    void otherLeapStatusesAreSynced() throws Exception {
        assertEquals("insert", ChronyTracking.parse(SYNCED.replace("Normal", "Insert second")).leapWord());
        assertEquals("delete", ChronyTracking.parse(SYNCED.replace("Normal", "Delete second")).leapWord());
    }

    @Test
    void refusesWhatIsNotAReport() {
        String[][] cases = {
                {"", "empty"},
                {"506 Cannot talk to daemon\n", "fields"},
                {"Could not open connection to daemon", "fields"},
                {SYNCED.replace("Normal", "Dancing"), "leap status"},
                {SYNCED.replace("0.002998157", "0.00x"), "system time"},
                {SYNCED.replace("7F000001", "7F0001"), "reference ID"},
                {SYNCED.replace(",11,", ",-3,"), "stratum"},
                {SYNCED.replace("0.000004428", "-0.000004428"), "negative"},
                {SYNCED.replace("-0.005", "NaN"), "frequency"},
                {SYNCED.replace(",Normal", ",extra,Normal"), "fields"},
                {"x".repeat(5000), "characters"},
        };
        for (String[] c : cases) {
            ChronyTracking.FormatException e = assertThrows(ChronyTracking.FormatException.class,
                    () -> ChronyTracking.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void flagsADisagreementBeyondBothBounds() throws Exception {
        ChronyTracking t = ChronyTracking.parse(SYNCED);
        long chronyBound = t.errorBoundNanos();
        // The agent sees the system clock at −3.000 ms ± 20 µs: the intervals overlap.
        assertEquals(Boolean.FALSE, ChronyView.of(t, 0, -3_000_000L, 20_000L).disagrees());
        // Exactly touching is still agreement; one ns beyond is not.
        long edge = -2_998_157L + chronyBound + 20_000L;
        assertEquals(Boolean.FALSE, ChronyView.of(t, 0, edge, 20_000L).disagrees());
        assertEquals(Boolean.TRUE, ChronyView.of(t, 0, edge + 1, 20_000L).disagrees());
        // Nothing to compare: the agent unsynced, or chrony unsynchronised.
        assertNull(ChronyView.of(t, 0, null, null).disagrees());
        assertNull(ChronyView.of(ChronyTracking.parse(UNSYNCED), 0, 0L, 1L).disagrees());
    }

    @Test
    void viewRoundTripsThroughItsJson() throws Exception {
        ChronyView v = ChronyView.of(ChronyTracking.parse(SYNCED), 1_234_567L, -3_000_000L, 20_000L);
        assertEquals(v, ChronyView.fromJson(v.toJson()));
        ChronyView unsynced = ChronyView.of(ChronyTracking.parse(UNSYNCED), 5L, null, null);
        assertEquals(unsynced, ChronyView.fromJson(unsynced.toJson()));
        Map<String, Object> bad = new HashMap<>(v.toJson());
        bad.put("error_bound_ns", "big");
        assertThrows(IllegalArgumentException.class, () -> ChronyView.fromJson(bad));
    }
}
