package io.lockstep.linux;

import com.sun.jna.Native;

import io.lockstep.schedule.FiringThreadTuning;

/**
 * The {@link FiringThreadTuning} of 64-bit Linux, found by lockstep-core through
 * {@code ServiceLoader}: the scheduler's firing thread gets a timer slack of 1 ns (the kernel
 * otherwise lets a timed wait end up to 50 µs late, to batch wake-ups) and, where permitted,
 * SCHED_FIFO at a low real-time priority, so that no ordinary thread delays its wake-up or its
 * spin on a busy machine. Permitted means root, CAP_SYS_NICE, or a non-zero RLIMIT_RTPRIO (what
 * a systemd unit's {@code LimitRTPRIO=} gives); otherwise the thread stays at normal priority and
 * the mode says why. Only the calling thread is changed, with SCHED_RESET_ON_FORK, so the
 * processes and threads that actions start run at normal priority. The scheduler caps a
 * real-time thread's spin (lockstep-core's spin budget); the kernel's real-time throttling is not
 * relied on. Stateless and thread-safe.
 *
 * <p>The priority is {@value #DEFAULT_PRIORITY} (above every ordinary thread, below the kernel's
 * interrupt threads at 50), or the system property {@code lockstep.scheduler.rtprio} (1–99; 0
 * keeps normal priority).
 */
public final class LinuxFiringThreadTuning implements FiringThreadTuning {

    /** Real-time priority unless told otherwise. */
    static final int DEFAULT_PRIORITY = 10;
    /** The timer slack set, in ns: the smallest the kernel accepts (0 would mean "the default"). */
    static final long TIMER_SLACK_NANOS = 1;

    private final int priority;

    /** For {@link java.util.ServiceLoader}: the priority of {@code lockstep.scheduler.rtprio}, or 10. */
    public LinuxFiringThreadTuning() {
        this(priorityFromProperty(System.getProperty("lockstep.scheduler.rtprio")));
    }

    /** @param priority the SCHED_FIFO priority to ask for, 1–99; 0 keeps normal priority (timer slack only) */
    LinuxFiringThreadTuning(int priority) {
        if (priority < 0 || priority > 99) {
            throw new IllegalArgumentException("a real-time priority is 1-99 (0: none), not " + priority);
        }
        this.priority = priority;
    }

    static int priorityFromProperty(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PRIORITY;
        }
        try {
            int p = Integer.parseInt(value.strip());
            return p < 0 || p > 99 ? DEFAULT_PRIORITY : p;
        } catch (NumberFormatException e) {
            return DEFAULT_PRIORITY;
        }
    }

    @Override
    public Applied applyToCurrentThread() {
        String unsupported = LinuxTimestampingTransport.unsupportedReason(System.getProperty("os.name", ""),
                System.getProperty("os.arch", ""));
        if (unsupported != null) {
            return new Applied("scheduler: normal priority, default timer slack (firing-thread tuning: "
                    + unsupported.replace("kernel receive timestamps are", "it is") + ")", false);
        }
        try {
            return apply();
        } catch (LinkageError e) {
            // JNA's native stub missing or refused (e.g. noexec /tmp): nothing can be tuned here.
            return new Applied("scheduler: normal priority, default timer slack (JNA cannot load its native library: "
                    + oneLine(e) + ")", false);
        }
    }

    private Applied apply() {
        // Slack first: the kernel ignores a real-time thread's slack setting (it has none).
        String slack = ThreadLibc.prctl(ThreadLibc.PR_SET_TIMERSLACK, TIMER_SLACK_NANOS, 0, 0, 0) == 0
                ? "timer slack 1 ns"
                : "default timer slack (prctl: " + Libc.describe(Native.getLastError()) + ")";
        if (priority == 0) {
            return new Applied("scheduler: normal priority, " + slack + " (SCHED_FIFO not asked for:"
                    + " lockstep.scheduler.rtprio=0)", false);
        }
        int asked = priority;
        int errno = setFifo(asked);
        if (errno == ThreadLibc.EPERM) {
            // Unprivileged, but a unit's LimitRTPRIO may allow a lower priority than ours.
            long limit = rtprioLimit();
            if (limit > 0 && limit < asked) {
                asked = (int) limit;
                errno = setFifo(asked);
            }
        }
        if (errno == 0) {
            return new Applied("scheduler: SCHED_FIFO priority " + asked + ", " + slack, true);
        }
        String why = errno == ThreadLibc.EPERM
                ? "operation not permitted; needs root, CAP_SYS_NICE or LimitRTPRIO, and real-time time in this cgroup"
                : Libc.describe(errno);
        return new Applied("scheduler: normal priority, " + slack + " (SCHED_FIFO not permitted: " + why + ")", false);
    }

    /** Puts the calling thread under SCHED_FIFO at {@code prio}; 0 or the errno. */
    private static int setFifo(int prio) {
        int rc = ThreadLibc.sched_setscheduler(0, ThreadLibc.SCHED_FIFO | ThreadLibc.SCHED_RESET_ON_FORK,
                new int[] {prio});
        return rc == 0 ? 0 : Native.getLastError();
    }

    /** The soft RLIMIT_RTPRIO, or 0 when it cannot be read. */
    private static long rtprioLimit() {
        long[] limits = new long[2];
        return ThreadLibc.getrlimit(ThreadLibc.RLIMIT_RTPRIO, limits) == 0 ? limits[0] : 0;
    }

    /** The calling thread's timer slack (ns), or −1 when it cannot be read; for checks. */
    static long currentTimerSlackNanos() {
        return ThreadLibc.prctl(ThreadLibc.PR_GET_TIMERSLACK, 0, 0, 0, 0);
    }

    /** The calling thread's scheduling policy ({@link ThreadLibc#SCHED_FIFO}, ...), or −1; for checks. */
    static int currentPolicy() {
        return ThreadLibc.sched_getscheduler(0);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').strip();
    }
}
