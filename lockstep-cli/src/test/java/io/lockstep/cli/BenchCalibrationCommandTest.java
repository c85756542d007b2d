package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
/**
 * {@code lockstep bench calibration}: a short run prints the table and, with {@code --json}, one
 * JSON object as the last line whose totals add up, and every record is within its bound but
 * for the misses the bench accepts (and names the assumption of).
 */
class BenchCalibrationCommandTest {

    @Test
    @SuppressWarnings("unchecked")
    void aShortRunCoversEveryRecordAndPrintsItsJson() {
        MainTest.Result r = MainTest.run("bench", "calibration", "--seeds", "3", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| drift sign flip"), r.out());
        assertTrue(r.out().contains("| over 10 min"), r.out());
        String[] lines = r.out().strip().split("\n");
        Map<String, Object> json = (Map<String, Object>) TestJson.parse(lines[lines.length - 1]);
        long records = ((Number) json.get("records")).longValue();
        long within = ((Number) json.get("within")).longValue();
        long accepted = ((Number) json.get("accepted_misses")).longValue();
        assertTrue(records > 1000, "records " + records);
        assertEquals(records, within + accepted, r.out());
        for (String key : List.of("buckets", "scenarios")) {
            long sumRecords = 0;
            long sumWithin = 0;
            for (Object o : (List<Object>) json.get(key)) {
                Map<String, Object> part = (Map<String, Object>) o;
                sumRecords += ((Number) part.get("records")).longValue();
                sumWithin += ((Number) part.get("within")).longValue();
            }
            assertEquals(records, sumRecords, key);
            assertEquals(within, sumWithin, key);
        }
        assertEquals(4, ((List<Object>) json.get("buckets")).size());
        assertEquals(7, ((List<Object>) json.get("scenarios")).size());
    }

    @Test
    void noSeedsIsBadInput() {
        MainTest.Result r = MainTest.run("bench", "calibration", "--seeds", "0");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "--seeds must be between 1 and 100000");
    }
}
