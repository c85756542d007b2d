package io.lockstep.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import io.lockstep.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Unit checks of the package's generated files (no Debian tools needed): gzip as {@code gzip -9n}
 * writes it, troff escaping, a man page's NAME line in the form whatis and lintian read, and the
 * completion script without a hashbang. Not thread-safe (one JUnit run).
 */
class DebAssetsTest {

    @Test
    void gzipRoundTripsWithMaxCompressionFlagNoTimeAndUnixOs() throws Exception {
        byte[] text = "lockstep (0.1.0~SNAPSHOT-1) unstable; urgency=medium\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        byte[] gz = DebAssets.gzip(text);
        assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7], "mtime must be 0 (reproducible)");
        assertEquals(0, gz[3], "no file name or other flags");
        assertEquals(2, gz[8], "XFL 2: maximum compression");
        assertEquals(3, gz[9], "OS 3: Unix");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertArrayEquals(text, in.readAllBytes());
        }
    }

    @Test
    void troffEscapesBackslashMinusAndLeadingControlCharacters() {
        assertEquals("\\-\\-key", DebAssets.escape("--key"));
        assertEquals("C:\\eDATA", DebAssets.escape("C:\\DATA"));
        assertEquals("\\&.lockstep", DebAssets.escape(".lockstep"));
        assertEquals("\\&'quoted'", DebAssets.escape("'quoted'"));
    }

    @Test
    void manPageHasWhatisNameLineSynopsisAndOptions() {
        CommandLine agent = new CommandLine(new Main()).getSubcommands().get("agent");
        String page = DebAssets.manPage(agent.getCommandSpec(), "0.1.0~SNAPSHOT-1");
        assertTrue(page.contains("\n.SH NAME\nlockstep\\-agent \\- Runs on each device"), page);
        assertTrue(page.contains("\n.SH SYNOPSIS\n.nf\nlockstep agent "), page);
        assertTrue(page.contains("\\fB\\-\\-reference\\fR \\fITARGET\\fR\n"), page);
        assertTrue(page.contains("\\fBlockstep\\fR(1)"), page);
        for (String line : page.split("\n")) {
            assertFalse(line.startsWith("'"), line);
        }
    }

    @Test
    void completionScriptHasNoHashbang() {
        String script = DebAssets.completionScript(new CommandLine(new Main()));
        assertFalse(script.startsWith("#!"), script.substring(0, 40));
        assertTrue(script.contains("complete -F"), "not a bash completion script");
    }
}
