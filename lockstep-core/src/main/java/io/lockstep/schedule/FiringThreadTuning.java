package io.lockstep.schedule;

import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Tunes the one thread that fires a {@link Scheduler}'s actions so that it wakes on time on a busy
 * machine: on Linux the optional lockstep-linux module provides one (timer slack 1 ns and, where
 * permitted, a real-time priority), found through {@link ServiceLoader}; without it {@link #NONE}
 * leaves the thread as the JVM made it. The scheduler calls {@link #applyToCurrentThread()} once,
 * on its own thread, before it waits for anything. Implementations must be thread-safe and must
 * never throw for a lack of permission: they fall back and say so in {@link Applied#mode()}.
 */
public interface FiringThreadTuning {

    /**
     * What a tuning put in effect on a thread.
     *
     * @param mode     one line for people, starting {@code "scheduler: "}, e.g. {@code "scheduler:
     *                 SCHED_FIFO priority 10, timer slack 1 ns, spin ≤ 1 ms, ≤ 25% of the time"}
     * @param realTime true when the thread runs under a real-time policy, which no ordinary thread
     *                 can preempt: the scheduler then caps its spin (see {@link SpinBudget})
     */
    record Applied(String mode, boolean realTime) {
        public Applied {
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** Leaves the thread alone: the JVM's normal priority and the default 50 µs timer slack. */
    FiringThreadTuning NONE = () -> new Applied("scheduler: normal priority, default timer slack"
            + " (no firing-thread tuning installed: the optional lockstep-linux module)", false);

    /**
     * Tunes the calling thread and says what is in effect on it. Never throws for a missing
     * permission or platform: it falls back and says why in the mode.
     */
    Applied applyToCurrentThread();

    /** The first installed provider (lockstep-linux), or {@link #NONE} when none loads. */
    static FiringThreadTuning installed() {
        return InstalledTuning.TUNING;
    }
}
