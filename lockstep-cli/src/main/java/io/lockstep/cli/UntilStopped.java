package io.lockstep.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Blocks a serving command ({@code serve}, {@code agent}, {@code fleet dashboard}) until its
 * {@code --duration} ends or the process is asked to stop (Ctrl-C, SIGTERM), so that the command
 * returns and closes what it serves. The shutdown hook only releases the wait; it is removed again
 * when the wait ends, so tests that run a command many times in one JVM leave no hooks behind.
 * Stateless and thread-safe.
 */
final class UntilStopped {

    private UntilStopped() {
    }

    /**
     * Waits for {@code durationNanos} (forever when null) or until the JVM begins to shut down.
     * {@code hookName} names the shutdown hook's thread, which shows in thread dumps.
     */
    static void await(Long durationNanos, String hookName) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, hookName);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (durationNanos != null) {
                stop.await(durationNanos, TimeUnit.NANOSECONDS);
            } else {
                stop.await();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting; the caller closes what it serves regardless.
            }
        }
    }
}
