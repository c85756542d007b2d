package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CorrectBenchTest {

    @Test
    void printsThroughputAndAccuracy() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, CorrectBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new CorrectBench.Options(20_000, 0)));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("rows/s") && text.contains("0 rows outside"), text);
    }
}
