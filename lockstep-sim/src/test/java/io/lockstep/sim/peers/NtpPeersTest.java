package io.lockstep.sim.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NtpPeersTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCommandThatNeverEndsIsKilledAtItsTimeLimit() throws Exception {
        // The shape that defeated the old chronyc helper: a child that keeps running (and so keeps
        // its output open). It prints its pid first, then becomes a sleep of ten minutes.
        try (NtpPeers peers = new NtpPeers()) {
            long started = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> peers.run(
                    List.of("/bin/sh", "-c", "echo pid $$; exec sleep 600"), Duration.ofSeconds(1)));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(seconds >= 0.9 && seconds < 10, "gave up after " + seconds + " s");
            assertTrue(e.getMessage().contains("did not finish within 1000 ms"), e.getMessage());
            Matcher pid = Pattern.compile("pid (\\d+)").matcher(e.getMessage());
            assertTrue(pid.find(), "its output so far is in the message: " + e.getMessage());
            assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                    "the command was killed");
        }
    }

    @Test
    void outputAndExitStatusOfACommandThatEnds() throws Exception {
        try (NtpPeers peers = new NtpPeers()) {
            assertEquals("hello\n", peers.run(List.of("/bin/sh", "-c", "echo hello"), Duration.ofSeconds(20)));
            IOException e = assertThrows(IOException.class,
                    () -> peers.run(List.of("/bin/sh", "-c", "echo no >&2; exit 3"), Duration.ofSeconds(20)));
            assertTrue(e.getMessage().contains("exited 3: no"), e.getMessage());
        }
    }

    @Test
    void closeRemovesThePrivateDirectory() throws Exception {
        NtpPeers peers = new NtpPeers();
        assertTrue(Files.isDirectory(peers.dir()));
        peers.close();
        assertFalse(Files.exists(peers.dir()));
    }
}
