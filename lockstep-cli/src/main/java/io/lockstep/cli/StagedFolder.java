package io.lockstep.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A temporary folder beside an output folder, moved into place only when the command succeeds,
 * the folder counterpart of {@link StagedOutput} and named the same way,
 * {@code .NAME.lockstep-PID-RANDOM.tmp}. Committing renames it to the output when that does not
 * exist or is empty; into an existing folder (the command's {@code --force}) its entries are
 * moved one by one, replacing files of the same name and leaving other files alone. A failed
 * run deletes it, Ctrl-C too (a shutdown hook); what a SIGKILLed run leaves is removed by a
 * later run once its process is gone and nothing in it has been written for a minute. Only
 * folders this class created are ever deleted. Not thread-safe; one instance per output.
 */
final class StagedFolder implements AutoCloseable {

    private final Path out;
    private final Path tmp;
    private final Thread cleanup;
    private boolean committed;

    private StagedFolder(Path out, Path tmp) {
        this.out = out;
        this.tmp = tmp;
        this.cleanup = new Thread(() -> deleteTree(tmp), "lockstep-staged-folder-cleanup");
    }

    /** Removes leftovers of killed runs beside {@code out}, then creates the temporary folder. */
    static StagedFolder create(Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        StagedOutput.removeLeftovers(dir);
        removeLeftovers(dir);
        String prefix = "." + out.getFileName() + ".lockstep-" + ProcessHandle.current().pid() + "-";
        while (true) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.createDirectory(tmp);
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
            StagedFolder staged = new StagedFolder(out, tmp);
            Runtime.getRuntime().addShutdownHook(staged.cleanup);
            return staged;
        }
    }

    /** The temporary folder to write into. */
    Path path() {
        return tmp;
    }

    /** True when {@code dir} has no entries. */
    static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /** Moves the finished folder into place. */
    void commit() throws IOException {
        if (Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS) && isEmpty(out)) {
            Files.delete(out);
        }
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } else {
            List<Path> entries;
            try (Stream<Path> walk = Files.walk(tmp)) {
                entries = walk.filter(p -> !p.equals(tmp)).sorted().toList();
            }
            for (Path p : entries) {
                Path target = out.resolve(tmp.relativize(p).toString());
                boolean folder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) != folder && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("cannot write " + target + ": it is a " + (folder ? "file" : "folder")
                            + " in the output folder, where the export has a " + (folder ? "folder" : "file"));
                }
                if (folder) {
                    Files.createDirectories(target);
                } else {
                    Files.move(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            deleteTree(tmp);
        }
        committed = true;
        Runtime.getRuntime().removeShutdownHook(cleanup);
    }

    /** Deletes the temporary folder unless it was committed. */
    @Override
    public void close() {
        if (!committed) {
            deleteTree(tmp);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /** Deletes a tree this class made, without following links out of it. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // Best effort: what is left is removed by a later run.
        }
    }

    /** Removes our temporary folders in {@code dir} whose process is gone and that nobody wrote to for a minute. */
    static int removeLeftovers(Path dir) {
        return StagedOutput.removeLeftovers(dir, FOLDERS);
    }

    private static final StagedOutput.LeftoverKind FOLDERS = new StagedOutput.LeftoverKind() {
        @Override
        public boolean isKind(Path p) {
            return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public long lastWriteMillis(Path p) throws IOException {
            return newestWriteMillis(p);
        }

        @Override
        public boolean remove(Path p) {
            deleteTree(p);
            return true;
        }
    };

    private static long newestWriteMillis(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            long newest = 0;
            for (Path p : walk.toList()) {
                newest = Math.max(newest, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
            }
            return newest;
        }
    }
}
