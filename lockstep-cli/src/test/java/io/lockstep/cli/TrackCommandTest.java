package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.log.OffsetLog;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.SimClock;
import io.lockstep.sim.SimLink;
import io.lockstep.sim.SimulatedProbe;
import io.lockstep.time.VirtualTimeSource;
import picocli.CommandLine;

/** `track` against a simulated `serve --simulate-offset 200ms --simulate-drift 20`, in virtual time. */
class TrackCommandTest {

    @TempDir
    Path dir;

    @Test
    void jsonLinesConvergeOnTheServedClockAndTheLogContinues() throws Exception {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock local = new SimClock(truth, 0, 0);
        SimClock served = new SimClock(truth, 200_000_000, 20);
        SimulatedProbe probe = new SimulatedProbe(truth, local, served,
                new SimLink(new LinkModel(30_000, 0, 10_000, 3, 0, 0, 0, 0, 0), 3), io.lockstep.protocol.Protocols.standard().find("ntp").orElseThrow(), 1, 500_000_000);
        Path log = dir.resolve("offsets.csv");
        for (int run = 0; run < 2; run++) {
            TrackCommand cmd = new TrackCommand();
            cmd.opener = (t, l, timeout) -> probe;
            cmd.local = local;
            cmd.pacer = mono -> truth.advance(Math.max(0, mono - truth.monoNanos()));
            CommandLine cl = new CommandLine(cmd);
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.parseArgs("echo://127.0.0.1:9", "--duration", "2m", "--log", log.toString(), "--json");
            assertEquals(0, cmd.call());
            String[] lines = out.toString().split("\\R");
            assertEquals(120, lines.length);
            @SuppressWarnings("unchecked")
            Map<String, Object> last = (Map<String, Object>) TestJson.parse(lines[lines.length - 1]);
            assertEquals("SYNCED", last.get("state"));
            assertEquals(run, ((Number) last.get("segment")).intValue());
            double drift = ((Number) last.get("drift_ppm")).doubleValue();
            assertEquals(20.0, drift, 0.5, "the served clock runs 20 ppm fast");
            long offset = ((Number) last.get("offset_ns")).longValue();
            long bound = ((Number) last.get("error_bound_ns")).longValue();
            assertTrue(Math.abs(offset - probe.trueOffsetNanos()) <= bound, offset + " ± " + bound);
        }
        List<OffsetLog.Row> rows = new ArrayList<>();
        OffsetLog.read(log, (r, n) -> rows.add(r));
        assertEquals(240, rows.size());
    }

    @Test
    void humanStatusLines() throws Exception {
        VirtualTimeSource truth = new VirtualTimeSource();
        SimClock local = new SimClock(truth, 0, 0);
        SimulatedProbe probe = new SimulatedProbe(truth, local, new SimClock(truth, -5_000_000, 0),
                new SimLink(LinkModel.fixed(50_000), 1), io.lockstep.protocol.Protocols.standard().find("ntp").orElseThrow(), 1, 500_000_000);
        TrackCommand cmd = new TrackCommand();
        cmd.opener = (t, l, timeout) -> probe;
        cmd.local = local;
        cmd.pacer = mono -> truth.advance(Math.max(0, mono - truth.monoNanos()));
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.parseArgs("ntp://127.0.0.1:9", "--count", "20", "--interval", "500ms");
        assertEquals(0, cmd.call());
        String[] lines = out.toString().split("\\R");
        assertEquals(21, lines.length);
        assertTrue(lines[19].contains("SYNCED") && lines[19].contains("offset 5.000 ms"), lines[19]);
        assertEquals("20 exchanges, 0 dropped", lines[20]);
    }
}
