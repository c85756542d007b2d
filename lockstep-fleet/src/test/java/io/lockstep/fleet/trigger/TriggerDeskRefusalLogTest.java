package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.fleet.action.ActionsFile;

/**
 * Refusals in the agent's log (issue 16): each written once (the journal when it has a reader,
 * the System.Logger otherwise, never both), and a flood summarised instead of written line by line.
 */
class TriggerDeskRefusalLogTest {

    @TempDir
    Path dir;

    @Test
    void aRefusalIsWrittenOnceAndAFloodIsSummarised() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger(TriggerDesk.class.getName());
        jul.addHandler(capture);
        try (TriggerRig rig = new TriggerRig(0)) {
            TriggerRig.Member m = rig.agent("a", 0, 0, ActionsFile.parse("led write led.value 1\n", "actions", dir),
                    FleetKey.random());
            byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
            assertThrows(TriggerRefusedException.class, () -> m.desk().accept(junk));
            assertEquals(1, m.journal().size(), m.journal().toString());
            assertTrue(logged.stream().noneMatch(l -> l.contains("refused")), "logged twice: " + logged);

            int flood = 2_000;
            for (int i = 0; i < flood; i++) {
                assertThrows(TriggerRefusedException.class, () -> m.desk().accept(junk));
            }
            // The summary of the suppressed ones comes when the window closes, by itself.
            Pattern summary = Pattern.compile("suppressed (\\d+) (?:more )?refusals");
            long deadline = System.nanoTime() + 30_000_000_000L;
            long written;
            long suppressed;
            while (true) {
                written = m.journal().stream().filter(l -> l.contains(" refused: ")).count();
                suppressed = 0;
                for (String l : m.journal()) {
                    Matcher x = summary.matcher(l);
                    if (x.find()) {
                        suppressed += Long.parseLong(x.group(1));
                    }
                }
                if (written + suppressed == flood + 1 || System.nanoTime() - deadline > 0) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals(flood + 1, written + suppressed, m.journal().size() + " journal lines");
            assertTrue(written < 200, written + " refusal lines for " + (flood + 1) + " refusals");
        } finally {
            jul.removeHandler(capture);
        }
    }
}
