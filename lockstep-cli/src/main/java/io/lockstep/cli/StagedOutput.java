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
        return removeLeftovers(dir, FILES);
    }

    /**
     * One kind of leftover the sweep removes: which entries are of the kind, when one was last
     * written, and how it is removed (true when it was).
     */
    interface LeftoverKind {
        boolean isKind(Path p);

        long lastWriteMillis(Path p) throws IOException;

        boolean remove(Path p) throws IOException;
    }

    private static final LeftoverKind FILES = new LeftoverKind() {
        @Override
        public boolean isKind(Path p) {
            return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public long lastWriteMillis(Path p) throws IOException {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        }

        @Override
        public boolean remove(Path p) throws IOException {
            return Files.deleteIfExists(p);
        }
    };

    /**
     * Removes the entries of {@code kind} in {@code dir} named as ours whose process is gone and
     * that nobody wrote to for {@link #LEFTOVER_AGE_MILLIS}; returns how many.
     */
    static int removeLeftovers(Path dir, LeftoverKind kind) {
        int removed = 0;
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.lockstep-*.tmp")) {
            for (Path p : entries) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !kind.isKind(p)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException tooLong) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                        || now - kind.lastWriteMillis(p) < LEFTOVER_AGE_MILLIS) {
                    continue;
                }
                if (kind.remove(p)) {
                    removed++;
                }
            }
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            // Tidying up is a courtesy: a directory we cannot list or an entry we cannot delete
            // must not stop the run itself.
        }
        return removed;
    }
}
