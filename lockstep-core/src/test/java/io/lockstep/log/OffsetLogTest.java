package io.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;

class OffsetLogTest {

    @TempDir
    Path dir;

    private static TrackRecord row(long local, int segment) {
        return new TrackRecord(local, local - 1_000, 150_000, 1_200, 1_000, 80_000, -20.5, ClockState.SYNCED,
                SampleVerdict.ACCEPTED, segment, 1);
    }

    private List<OffsetLog.Row> readAll(Path p) throws IOException {
        List<OffsetLog.Row> rows = new ArrayList<>();
        OffsetLog.read(p, (r, line) -> rows.add(r));
        return rows;
    }

    @Test
    void rowsRoundTripAndRestartsAppendWithANewSegment() throws IOException {
        Path p = dir.resolve("offsets.csv");
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            assertEquals(0, log.nextSegment());
            log.append(row(1_000_000, 0));
            log.append(new TrackRecord(2_000_000, 0, -1, 0, 0, -1, Double.NaN, ClockState.UNSYNCED,
                    SampleVerdict.DROPPED, 0, 1));
        }
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            assertEquals(1, log.nextSegment());
            log.append(row(3_000_000, 1));
        }
        List<OffsetLog.Row> rows = readAll(p);
        assertEquals(3, rows.size());
        assertEquals(1_200, rows.get(0).rawOffsetNanos());
        assertEquals(-20.5, rows.get(0).driftPpm());
        assertEquals(-1, rows.get(1).roundTripNanos());
        assertEquals(SampleVerdict.DROPPED, rows.get(1).verdict());
        assertEquals(1, rows.get(2).segment());
        assertTrue(Files.readString(p).startsWith(OffsetLog.HEADER + "\n"));
    }

    @Test
    void aTornLastRowIsSkippedOnReadAndCutOffOnReopen() throws IOException {
        Path p = dir.resolve("torn.csv");
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            log.append(row(1_000_000, 0));
        }
        // What kill -9 in the middle of a write can leave behind.
        Files.writeString(p, "2000000,1999000,150", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(1, readAll(p).size());
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            log.append(row(3_000_000, 1));
        }
        List<OffsetLog.Row> rows = readAll(p);
        assertEquals(2, rows.size());
        assertEquals(3_000_000, rows.get(1).localNanos());
    }

    @Test
    void refusesFilesThatAreNotOffsetLogs() throws IOException {
        Path p = dir.resolve("data.csv");
        Files.writeString(p, "timestamp [ns],x\n1,2\n");
        IOException e = assertThrows(IOException.class, () -> OffsetLog.openAppend(p));
        assertTrue(e.getMessage().contains("not a Lockstep offset log"));
        assertEquals("timestamp [ns],x\n1,2\n", Files.readString(p));
    }

    @Test
    void aSecondWriterIsRefused() throws IOException {
        Path p = dir.resolve("busy.csv");
        try (OffsetLog first = OffsetLog.openAppend(p)) {
            first.append(row(1_000_000, 0));
            IOException e = assertThrows(IOException.class, () -> OffsetLog.openAppend(p));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        try (OffsetLog again = OffsetLog.openAppend(p)) {
            assertEquals(1, again.nextSegment(), "free again once the first writer closed");
        }
    }

    @Test
    void segmentNumberingSurvivesAMalformedLastRow() throws IOException {
        Path p = dir.resolve("damaged.csv");
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            log.append(row(1_000_000, 4));
        }
        // A complete but garbled line, as a power loss can leave behind.
        Files.writeString(p, "\0\0\0garbage,,\n", StandardOpenOption.APPEND);
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            assertEquals(5, log.nextSegment(), "numbering continues after the last row that parses");
        }
    }

    private Path logWithRow(String name, byte[] row) throws IOException {
        Path p = dir.resolve(name);
        try (OffsetLog log = OffsetLog.openAppend(p)) {
            log.append(row(1_000_000, 0));
        }
        Files.write(p, row, StandardOpenOption.APPEND);
        Files.writeString(p, OffsetLog.format(row(3_000_000, 0)), StandardOpenOption.APPEND);
        return p;
    }

    private static void assertOneLineError(IOException e, String... parts) {
        assertTrue(e instanceof OffsetLog.FormatException, e.getClass() + ": " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    void bytesThatAreNotTextNameTheirLine() throws IOException {
        Path p = logWithRow("garbage.csv", new byte[] {(byte) 0xFF, (byte) 0xFE, 0x12, (byte) 0x80, '\n'});
        IOException e = assertThrows(IOException.class, () -> readAll(p));
        assertOneLineError(e, p.toString(), "line 3", "not text");

        Path binary = dir.resolve("binary.csv");
        Files.write(binary, new byte[] {(byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1, '\n', 1, 2, 3});
        assertOneLineError(assertThrows(IOException.class, () -> readAll(binary)), "not a Lockstep offset log");

        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        assertOneLineError(assertThrows(IOException.class, () -> readAll(empty)), "not a Lockstep offset log");
        Path headerOnly = Files.writeString(dir.resolve("header.csv"), OffsetLog.HEADER);
        assertEquals(0, readAll(headerOnly).size(), "a header without its line break is still a log");
    }

    @Test
    void nanAndOtherNonNumbersNameTheColumnAndLine() throws IOException {
        Path nanOffset = logWithRow("nan.csv", "2000000,1999000,150000,NaN,1000,80000,-20.5,SYNCED,ACCEPTED,0,1\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertOneLineError(assertThrows(IOException.class, () -> readAll(nanOffset)), "line 3", "raw_offset_ns", "'NaN'");
        Path nanDrift = logWithRow("nandrift.csv", "2000000,1999000,150000,1200,1000,80000,NaN,SYNCED,ACCEPTED,0,1\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertOneLineError(assertThrows(IOException.class, () -> readAll(nanDrift)), "line 3", "drift_ppm", "'NaN'");
        Path badState = logWithRow("state.csv", "2000000,1999000,150000,1200,1000,80000,1.5,ASLEEP,ACCEPTED,0,1\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertOneLineError(assertThrows(IOException.class, () -> readAll(badState)), "line 3", "state", "'ASLEEP'");
    }

    @Test
    void anOverlongLineNamesItsLineWithoutReadingItWhole() throws IOException {
        byte[] huge = new byte[50 << 20];
        java.util.Arrays.fill(huge, (byte) '7');
        huge[huge.length - 1] = '\n';
        Path p = logWithRow("huge.csv", huge);
        assertOneLineError(assertThrows(IOException.class, () -> readAll(p)), "line 3", "longer than");
    }
}
