package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import io.lockstep.sim.LinkModel;
import picocli.CommandLine;

class ImpairCommandTest {

    private static ImpairCommand parse(String... args) {
        ImpairCommand cmd = new ImpairCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void optionsBecomeALinkModel() {
        LinkModel m = parse("--listen", "127.0.0.1:0", "--target", "127.0.0.1:123", "--delay", "5ms", "--jitter",
                "1ms", "--loss", "2.5").model();
        assertEquals(5_000_000, m.baseDelayNanos());
        assertEquals(1_000_000, m.jitterMeanNanos());
        assertEquals(0.025, m.lossProbability(), 1e-12);
        assertEquals(LinkModel.busyWifi(), parse("--listen", "127.0.0.1:0", "--target", "127.0.0.1:1", "--profile",
                "busy-wifi").model());
    }

    @Test
    void badInputGivesClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImpairCommand.address("localhost", "--target"));
        assertEquals("--target 'localhost' must be HOST:PORT", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--listen", "127.0.0.1:0", "--target",
                "127.0.0.1:1", "--loss", "150").model());
        assertTrue(e.getMessage().contains("--loss"));
    }

    @Test
    void anUnknownProfileIsBadInputNotAFailure() {
        // Bad input exits 2 (Cli.BadInput); a plain IllegalArgumentException from the link model exited 1.
        Cli.BadInput e = assertThrows(Cli.BadInput.class, () -> parse("--listen", "127.0.0.1:0", "--target",
                "127.0.0.1:1", "--profile", "nosuch").model());
        assertEquals("--profile: unknown link profile 'nosuch'; use lan, busy-wifi or asymmetric", e.getMessage());
    }

    @Test
    void listensAndStopsAfterTheDuration() throws Exception {
        ImpairCommand cmd = new ImpairCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.parseArgs("--listen", "127.0.0.1:0", "--target", "127.0.0.1:9", "--tcp", "--duration", "50ms");
        assertEquals(0, cmd.call());
        assertTrue(out.toString().matches("(?s)impair tcp 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:9\\R.*forwarded 0, lost 0\\R"),
                out.toString());
    }
}
