package io.lockstep.correct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.log.OffsetLog;


/**
 * Coverage-guided fuzzing of {@code lockstep correct}'s input side through public entry points
 * only: {@link CsvCorrector#correct} on any bytes, with any options, against a fixed, valid
 * offset log, must finish with a report or a documented {@link IOException}; and
 * {@link TimestampUnit#parseNanos} on any text returns the exact, correctly rounded value or
 * throws {@link NumberFormatException} (its documented error), whatever the spelling. Corpus
 * under {@code src/test/resources/io/lockstep/correct/CsvCorrectorFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CsvCorrectorFuzzTest {

    /** Start of the fixed offset log: seed CSVs use times from here on. */
    static final long LOG_START_NANOS = 1_764_460_800_000_000_000L;
    private static final CorrectionModel MODEL = fixedModel();

    @FuzzTest
    void correctAnyCsv(FuzzedDataProvider data) {
        TimestampUnit unit = data.pickValue(TimestampUnit.values());
        boolean referenceToLocal = data.consumeBoolean();
        OutsidePolicy outside = data.pickValue(OutsidePolicy.values());
        boolean failOnUnparsable = data.consumeBoolean();
        byte[] csv = data.consumeRemainingAsBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CorrectionReport report = new CsvCorrector(MODEL, "t", unit,
                    referenceToLocal ? ClockDirection.TRACKED_TO_LOCAL : ClockDirection.LOCAL_TO_TRACKED, outside,
                    failOnUnparsable)
                    .correct(new ByteArrayInputStream(csv), out);
            assertTrue(report.rows() >= 0 && report.corrected() <= report.rows(), "report counts");
        } catch (IOException documented) {
            assertTrue(documented.getMessage() != null, "errors say what went wrong");
        }
    }

    @FuzzTest
    void parseAnyTimestamp(FuzzedDataProvider data) {
        TimestampUnit unit = data.pickValue(TimestampUnit.values());
        String text = data.consumeRemainingAsString();
        long parsed;
        try {
            parsed = unit.parseNanos(text, 0, text.length());
        } catch (NumberFormatException documented) {
            return;
        }
        // What it accepted must be a decimal number whose exact value, rounded half away from
        // zero to whole ns, is what it returned.
        BigDecimal exact = new BigDecimal(text.trim());
        if ((long) exact.precision() - exact.scale() < -20) {
            // Below 1e-20 units: 0 ns in any unit (and rounding it exactly would take ages).
            assertEquals(0, parsed, () -> "'" + text + "' in " + unit);
            return;
        }
        long nanosPerUnit = unit.parseNanos("1", 0, 1);
        assertEquals(exact.multiply(BigDecimal.valueOf(nanosPerUnit)).setScale(0, RoundingMode.HALF_UP),
                BigDecimal.valueOf(parsed), () -> "'" + text + "' in " + unit);
    }

    private static CorrectionModel fixedModel() {
        try {
            Path log = Files.createTempFile("lockstep-fuzz-log", ".csv");
            log.toFile().deleteOnExit();
            StringBuilder sb = new StringBuilder(OffsetLog.HEADER).append('\n');
            // Ten minutes at 1 Hz of a clock 2 ms ahead drifting 10 ppm, one step to a new segment.
            for (int i = 0; i < 600; i++) {
                long local = LOG_START_NANOS + i * 1_000_000_000L;
                int segment = i < 300 ? 0 : 1;
                long offset = -2_000_000L - 10_000L * i + (segment == 1 ? 5_000_000L : 0);
                sb.append(local).append(',').append(local - offset).append(",80000,").append(offset).append(',')
                        .append(offset).append(",40000,10.000000,SYNCED,ACCEPTED,").append(segment).append(",1000\n");
            }
            Files.writeString(log, sb, StandardCharsets.UTF_8);
            return CorrectionModel.fromLog(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
