package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class EchoBenchTest {

    @Test
    void bothSchedulesAreMeasuredAndTheHardBoundHoldsInEveryBurst() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, EchoBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new EchoBench.Options(300, 137_500_000L, 20, false, 7)));
        String text = bytes.toString(StandardCharsets.UTF_8);
        List<String> lockstepRows = text.lines().filter(l -> l.contains("| Lockstep (")).toList();
        assertEquals(2, lockstepRows.size(), text);
        assertTrue(lockstepRows.get(0).startsWith("| back to back"), text);
        assertTrue(lockstepRows.get(1).startsWith("| ~1 ms random pauses"), text);
        // The Time Echo bound is hard (causality and truncation), so it must hold in all 3 bursts.
        for (String row : lockstepRows) {
            assertTrue(row.contains("| 3/3 "), text);
        }
        assertTrue(text.contains("+137 ms + a sub-ms part drawn per burst (seed 7)"), text);
    }

    @Test
    void tooFewExchangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EchoBench.Options(1, 0, 0, false, 1));
    }
}
