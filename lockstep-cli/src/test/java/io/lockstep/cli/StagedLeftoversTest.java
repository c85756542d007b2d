package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leftover sweep that {@link StagedOutput} (files) and {@link StagedFolder} (folders) share:
 * each removes only its own kind, only when the maker's process is gone and nothing was written
 * for a minute, and never touches other names.
 */
class StagedLeftoversTest {

    /** Above any Linux pid_max (2^22), so no process has it. */
    private static final long GONE_PID = 999_999_999L;

    @TempDir
    Path dir;

    @Test
    void eachKindRemovesOnlyItsOwnOldLeftoversOfGoneProcesses() throws IOException {
        long me = ProcessHandle.current().pid();
        Path oldFile = old(Files.writeString(dir.resolve(".a.csv.lockstep-" + GONE_PID + "-1.tmp"), "x"));
        Path oldFolder = dir.resolve(".b.lockstep-" + GONE_PID + "-2.tmp");
        Files.createDirectories(oldFolder.resolve("sub"));
        old(Files.writeString(oldFolder.resolve("sub").resolve("part.csv"), "x"));
        old(oldFolder.resolve("sub"));
        old(oldFolder);
        Path freshFolder = dir.resolve(".c.lockstep-" + GONE_PID + "-3.tmp");
        Files.createDirectories(freshFolder);
        Files.writeString(freshFolder.resolve("recent.csv"), "x"); // written just now: a run elsewhere may own it
        old(freshFolder);
        Path liveFile = old(Files.writeString(dir.resolve(".d.csv.lockstep-" + me + "-4.tmp"), "x"));
        Path otherName = old(Files.writeString(dir.resolve(".e.csv.lockstep-x-5.tmp"), "x"));

        assertEquals(1, StagedFolder.removeLeftovers(dir));
        assertFalse(Files.exists(oldFolder), "the old folder of a gone process is removed");
        assertTrue(Files.exists(oldFile), "the folder sweep leaves files alone");
        assertTrue(Files.exists(freshFolder), "a folder written to within the minute stays");

        assertEquals(1, StagedOutput.removeLeftovers(dir));
        assertFalse(Files.exists(oldFile), "the old file of a gone process is removed");
        assertTrue(Files.exists(freshFolder), "the file sweep leaves folders alone");
        assertTrue(Files.exists(liveFile), "a file of a live process stays");
        assertTrue(Files.exists(otherName), "a name not ours stays");
    }

    private static Path old(Path p) throws IOException {
        Files.setLastModifiedTime(p,
                FileTime.fromMillis(System.currentTimeMillis() - StagedOutput.LEFTOVER_AGE_MILLIS - 5_000));
        return p;
    }
}
