package io.lockstep.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A temporary file beside a command's output, moved into place only when the command succeeds,
 * so a failed or interrupted run never leaves a half-written output. Its name says who made it,
 * {@code .NAME.lockstep-PID-RANDOM.tmp}, so a later run can remove what a killed run (SIGKILL,
 * power loss; a normal exit or Ctrl-C deletes it at once) left behind: a leftover is removed
 * when its process is no longer alive and it has not been written to for a minute. The age
 * guard protects a run on another machine writing to the same shared directory, whose pid
 * means nothing here; a live run writes continuously. Files named any other way are never
 * touched. Not thread-safe; one instance per output.
 */
final class StagedOutput implements AutoCloseable {

    /** Matches our temporary files and captures the pid of the process that made one. */
    static final Pattern NAME = Pattern.compile("^\\..+\\.lockstep-(\\d+)-\\d+\\.tmp$");

    /** How long a leftover must have been untouched before another run removes it. */
    static final long LEFTOVER_AGE_MILLIS = 60_000;

    private final Path out;
    private final Path tmp;
    private boolean committed;

    private StagedOutput(Path out, Path tmp) {
        this.out = out;
        this.tmp = tmp;
    }

    /**
     * Removes leftovers of killed runs in {@code out}'s directory, then creates the temporary
     * file (with the default permissions the output would get).
     */
    static StagedOutput create(Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        removeLeftovers(dir);
        String prefix = "." + out.getFileName() + ".lockstep-" + ProcessHandle.current().pid() + "-";
        while (true) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
            // Ctrl-C and normal exits run shutdown hooks; only SIGKILL leaves a leftover.
            tmp.toFile().deleteOnExit();
            return new StagedOutput(out, tmp);
        }
    }

    /** The temporary file to write. */
    Path path() {
        return tmp;
    }

    /** Moves the finished file into place, replacing {@code out}. */
    void commit() throws IOException {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    /** Deletes the temporary file unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes our temporary files in {@code dir} whose process is gone; returns how many. */
    static int removeLeftovers(Path dir) {
        int removed = 0;
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.lockstep-*.tmp")) {
            for (Path p : files) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException tooLong) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                        || now - Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() < LEFTOVER_AGE_MILLIS) {
                    continue;
                }
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException | SecurityException e) {
            // Tidying up is a courtesy: a directory we cannot list or a file we cannot delete
            // must not stop the run itself.
        }
        return removed;
    }
}
