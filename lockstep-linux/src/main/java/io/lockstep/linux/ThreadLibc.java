package io.lockstep.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The C library calls that tune a thread's waking (timer slack, scheduling policy), bound with
 * JNA's direct mapping, and the Linux constants that go with them. Kept apart from {@link Libc}
 * (the socket calls) so that each loads only when used. Stateless; the calls act on the calling
 * thread and are thread-safe. Errors: a call returns −1 and {@link Native#getLastError()} holds
 * {@code errno}.
 */
final class ThreadLibc {

    /** {@code prctl} option: set the calling thread's timer slack (ns). */
    static final int PR_SET_TIMERSLACK = 29;
    /** {@code prctl} option: the calling thread's timer slack (ns), as the return value. */
    static final int PR_GET_TIMERSLACK = 30;
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;
    /** Or-ed into a policy: children (processes and threads) the thread creates start at normal priority. */
    static final int SCHED_RESET_ON_FORK = 0x40000000;
    /** {@code getrlimit} resource: the highest real-time priority an unprivileged process may set. */
    static final int RLIMIT_RTPRIO = 14;

    static final int EPERM = 1;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private ThreadLibc() {
    }

    /*
     * prctl is variadic in C; its Linux arguments are all unsigned long, which the 64-bit ABIs
     * enabled pass exactly like fixed long arguments.
     */
    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /**
     * {@code int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)}; pid 0
     * is the calling thread (Linux schedules threads); the param is one int, the priority.
     */
    static native int sched_setscheduler(int pid, int policy, int[] param);

    /** {@code int sched_getscheduler(pid_t pid)}: the policy (without SCHED_RESET_ON_FORK). */
    static native int sched_getscheduler(int pid);

    /** {@code int getrlimit(int resource, struct rlimit *limits)}: soft and hard limits, 64-bit each. */
    static native int getrlimit(int resource, long[] limits);
}
