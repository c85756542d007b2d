package io.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.correct.CorrectionModel;

/**
 * Coverage-guided fuzzing of the offset-log reader through its public entry points: any file
 * content (with or without the header a real log starts with) read by {@link OffsetLog#read}
 * and turned into a correction by {@link CorrectionModel#fromLog} ends in rows, a model, or a
 * documented {@link IOException}; {@link OffsetLog#parse} of any line gives a row or its
 * documented {@link IllegalArgumentException}. Corpus under
 * {@code src/test/resources/io/lockstep/log/OffsetLogFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OffsetLogFuzzTest {

    /** One file, rewritten for every input: fuzzing must not fill the disk. */
    private static final Path FILE = tempFile();

    @FuzzTest
    void readAnyLog(FuzzedDataProvider data) throws IOException {
        boolean withHeader = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();
        byte[] head = withHeader ? (OffsetLog.HEADER + "\n").getBytes(StandardCharsets.UTF_8) : new byte[0];
        byte[] content = new byte[head.length + body.length];
        System.arraycopy(head, 0, content, 0, head.length);
        System.arraycopy(body, 0, content, head.length, body.length);
        Files.write(FILE, content);
        long[] rows = {0};
        try {
            OffsetLog.read(FILE, (row, line) -> {
                assertTrue(line >= 2, "data rows start on line 2");
                rows[0]++;
            });
        } catch (IOException documented) {
            assertTrue(documented.getMessage() != null);
        }
        try {
            CorrectionModel model = CorrectionModel.fromLog(FILE);
            assertTrue(model.segments() >= 1 && model.knots() >= 1, "a model has at least one knot");
        } catch (IOException documented) {
            assertTrue(documented.getMessage() != null);
        }
    }

    @FuzzTest
    void parseAnyLine(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        try {
            OffsetLog.parse(line, 2);
        } catch (IllegalArgumentException documented) {
            assertTrue(documented.getMessage() != null);
        }
    }

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("lockstep-fuzz-offset-log", ".csv");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
