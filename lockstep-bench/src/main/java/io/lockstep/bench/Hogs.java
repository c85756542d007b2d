package io.lockstep.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Busy CPU loops that load the machine while a benchmark runs: each a separate process,
 * {@code sh -c 'while :; do :; done'} at normal priority (so this JVM's own CPU time stays the
 * benchmark's), or a busy thread in this JVM where no shell can be started. {@link #close()} stops
 * them all; a shutdown hook stops the processes should the JVM end first. Not thread-safe: one
 * owner starts and closes it.
 */
final class Hogs implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Thread hook;
    private volatile boolean stopped;

    private Hogs(int n) {
        for (int i = 0; i < n; i++) {
            try {
                processes.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                        .redirectInput(ProcessBuilder.Redirect.PIPE)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start());
            } catch (IOException e) {
                Thread t = new Thread(this::spin, "bench-hog-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }
        hook = new Thread(this::destroyProcesses, "bench-hogs-stop");
        if (!processes.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Starts {@code n} busy loops (none for 0). */
    static Hogs start(int n) {
        return new Hogs(n);
    }

    private void spin() {
        long x = 0;
        while (!stopped) {
            x += System.nanoTime() & 1;
        }
        if (x == 42) {
            // Keeps the loop's work observable so the JIT cannot drop it.
            Thread.onSpinWait();
        }
    }

    private void destroyProcesses() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        destroyProcesses();
        for (Process p : processes) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
        if (!processes.isEmpty()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook runs anyway, harmlessly.
            }
        }
    }
}
