package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void silentForTheFirstSecondThenPlainLinesInALog() {
        AtomicLong now = new AtomicLong();
        StringWriter sink = new StringWriter();
        Cli.ProgressLine p = new Cli.ProgressLine(new PrintWriter(sink), "sampling x", false, now::get);
        p.update(1, 100);
        assertEquals("", sink.toString(), "quick work shows nothing");
        now.set(1_500_000_000L);
        p.update(10, 100);
        now.set(2_000_000_000L);
        p.update(20, 100); // within 5 s of the last line: not repeated in a log
        now.set(7_000_000_000L);
        p.update(70, 100);
        p.update(100, 100);
        p.finish();
        assertEquals("sampling x 10/100\nsampling x 70/100\n", sink.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void rewritesOneLineOnATerminal() {
        AtomicLong now = new AtomicLong(2_000_000_000L);
        StringWriter sink = new StringWriter();
        Cli.ProgressLine p = new Cli.ProgressLine(new PrintWriter(sink), "s", true, () -> now.get());
        now.addAndGet(1_100_000_000L);
        p.update(5, 10);
        p.finish();
        assertTrue(sink.toString().startsWith("\rs 5/10"), sink.toString());
        assertTrue(sink.toString().endsWith("\r"));
    }
}
