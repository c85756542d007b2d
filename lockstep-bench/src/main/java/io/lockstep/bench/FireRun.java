package io.lockstep.bench;

import java.util.Arrays;

import io.lockstep.protocol.Stats;

/**
 * What one way of firing a fleet did: for each of K firings, the reference instant it aimed at
 * and, for each of N devices, the host's own wall clock at the instant that device acted (the
 * truth; every simulated device here runs on this one host, so its clock is the judge) and the
 * error bound the device stated for that instant, where the method states one. From these it
 * derives the true spread of each firing (latest minus earliest device), each device's error
 * against the reference instant, and how often the truth lay within the bound the device stated
 * around the reference time it reported for its action (the instant aimed at plus any lateness
 * it measured itself).
 * Thread-safe: devices record from their own threads.
 */
public final class FireRun {

    /** A device that did not act for a firing. */
    public static final long MISSED = Long.MIN_VALUE;
    /** A device that stated no bound. */
    public static final long NO_BOUND = -1;

    private final String method;
    private final long[] referenceNanos;
    private final long[][] truthNanos;
    private final long[][] boundNanos;
    private final long[][] reportedNanos;
    private final String[] deviceNames;
    private final String[][] missReasons;

    /** An empty record of {@code firings} firings across {@code devices} devices, all missed so far. */
    public FireRun(String method, int devices, int firings) {
        if (devices < 1 || firings < 1) {
            throw new IllegalArgumentException("need at least one device and one firing");
        }
        this.method = method;
        this.referenceNanos = new long[firings];
        this.truthNanos = new long[firings][devices];
        this.boundNanos = new long[firings][devices];
        this.reportedNanos = new long[firings][devices];
        this.deviceNames = new String[devices];
        this.missReasons = new String[firings][devices];
        for (long[] row : truthNanos) {
            Arrays.fill(row, MISSED);
        }
        for (long[] row : boundNanos) {
            Arrays.fill(row, NO_BOUND);
        }
        for (int d = 0; d < devices; d++) {
            deviceNames[d] = "device-" + (d + 1);
        }
    }

    public String method() {
        return method;
    }

    public int devices() {
        return deviceNames.length;
    }

    public int firings() {
        return referenceNanos.length;
    }

    public synchronized void name(int device, String name) {
        deviceNames[device] = name;
    }

    public synchronized String name(int device) {
        return deviceNames[device];
    }

    /** Sets the reference instant firing {@code k} aims at (ns since the epoch, reference clock). */
    public synchronized void reference(int firing, long referenceWallNanos) {
        referenceNanos[firing] = referenceWallNanos;
    }

    public synchronized long reference(int firing) {
        return referenceNanos[firing];
    }

    /**
     * Records that {@code device} acted for {@code firing} when the host's clock read
     * {@code hostWallNanos}, stating no bound.
     */
    public void record(int firing, int device, long hostWallNanos) {
        record(firing, device, hostWallNanos, NO_BOUND, MISSED);
    }

    /**
     * Records that {@code device} acted for {@code firing} when the host's clock read
     * {@code hostWallNanos}, and reported that it acted at reference time
     * {@code reportedReferenceNanos} ± {@code errorBoundNanos}.
     */
    public synchronized void record(int firing, int device, long hostWallNanos, long errorBoundNanos,
                                    long reportedReferenceNanos) {
        truthNanos[firing][device] = hostWallNanos;
        boundNanos[firing][device] = errorBoundNanos;
        reportedNanos[firing][device] = reportedReferenceNanos;
    }

    /**
     * Firings {@code from} (inclusive) to {@code to} (exclusive) of this run as a run of their own
     * named {@code method}, e.g. the first firing of fresh devices apart from the rest.
     */
    public synchronized FireRun slice(int from, int to, String method) {
        if (from < 0 || to > firings() || from >= to) {
            throw new IllegalArgumentException("no firings " + from + ".." + to + " in a run of " + firings());
        }
        FireRun out = new FireRun(method, devices(), to - from);
        for (int d = 0; d < devices(); d++) {
            out.name(d, deviceNames[d]);
        }
        for (int k = from; k < to; k++) {
            out.reference(k - from, referenceNanos[k]);
            for (int d = 0; d < devices(); d++) {
                if (truthNanos[k][d] != MISSED) {
                    out.record(k - from, d, truthNanos[k][d], boundNanos[k][d], reportedNanos[k][d]);
                } else if (missReasons[k][d] != null) {
                    out.miss(k - from, d, missReasons[k][d]);
                }
            }
        }
        return out;
    }

    /** Records why {@code device} did not act for {@code firing} (a refusal's code, a lost datagram, ...). */
    public synchronized void miss(int firing, int device, String reason) {
        missReasons[firing][device] = reason;
    }

    /** Every device that did not act and has no reason yet gets {@code reason}. */
    public synchronized void missUnrecorded(String reason) {
        for (int k = 0; k < firings(); k++) {
            for (int d = 0; d < devices(); d++) {
                if (truthNanos[k][d] == MISSED && missReasons[k][d] == null) {
                    missReasons[k][d] = reason;
                }
            }
        }
    }

    /** Why actions did not happen: reason → count, in order of first appearance; a missing reason is "unaccounted". */
    public synchronized java.util.Map<String, Integer> missed() {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (int k = 0; k < firings(); k++) {
            for (int d = 0; d < devices(); d++) {
                if (truthNanos[k][d] == MISSED) {
                    out.merge(missReasons[k][d] == null ? "unaccounted" : missReasons[k][d], 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /** Whether device {@code d}'s report for {@code firing} holds: the truth lies within its bound of the reported time. */
    public synchronized boolean reportHolds(int firing, int device) {
        long t = truthNanos[firing][device];
        long b = boundNanos[firing][device];
        return t != MISSED && b != NO_BOUND && Math.abs(t - reportedNanos[firing][device]) <= b;
    }

    /** The host wall time device {@code device} acted at for {@code firing}, or {@link #MISSED}. */
    public synchronized long truth(int firing, int device) {
        return truthNanos[firing][device];
    }

    /** Device actions recorded, out of {@link #expected()}. */
    public synchronized int fired() {
        int n = 0;
        for (long[] row : truthNanos) {
            for (long t : row) {
                n += t == MISSED ? 0 : 1;
            }
        }
        return n;
    }

    public int expected() {
        return devices() * firings();
    }

    /**
     * The true spread of each firing in which at least one device acted: the latest minus the
     * earliest device. A device that missed is not in its firing's spread; {@link #fired()}
     * says how many missed.
     */
    public synchronized long[] spreadsNanos() {
        long[] out = new long[firings()];
        int n = 0;
        for (long[] row : truthNanos) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long t : row) {
                if (t != MISSED) {
                    min = Math.min(min, t);
                    max = Math.max(max, t);
                }
            }
            if (min != Long.MAX_VALUE) {
                out[n++] = max - min;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Every action's error against its reference instant (truth − reference), in firing then device order. */
    public synchronized long[] errorsNanos() {
        long[] out = new long[expected()];
        int n = 0;
        for (int k = 0; k < firings(); k++) {
            for (long t : truthNanos[k]) {
                if (t != MISSED) {
                    out[n++] = t - referenceNanos[k];
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * For every action whose device reported the reference time it acted at: the truth minus that
     * report. Apart from the spread of the instant itself (lateness the device measured and
     * reported), what is left is the error of the device's clock.
     */
    public synchronized long[] reportErrorsNanos() {
        long[] out = new long[expected()];
        int n = 0;
        for (int k = 0; k < firings(); k++) {
            for (int d = 0; d < devices(); d++) {
                long t = truthNanos[k][d];
                if (t != MISSED && boundNanos[k][d] != NO_BOUND) {
                    out[n++] = t - reportedNanos[k][d];
                }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Device {@code d}'s errors against the reference instant over the firings it acted in. */
    public synchronized long[] deviceErrorsNanos(int device) {
        long[] out = new long[firings()];
        int n = 0;
        for (int k = 0; k < firings(); k++) {
            long t = truthNanos[k][device];
            if (t != MISSED) {
                out[n++] = t - referenceNanos[k];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Device {@code d}'s stated bounds over the firings it acted in and stated one. */
    public synchronized long[] deviceBoundsNanos(int device) {
        long[] out = new long[firings()];
        int n = 0;
        for (int k = 0; k < firings(); k++) {
            if (truthNanos[k][device] != MISSED && boundNanos[k][device] != NO_BOUND) {
                out[n++] = boundNanos[k][device];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Every stated bound of an action that happened. */
    public synchronized long[] boundsNanos() {
        long[] out = new long[expected()];
        int n = 0;
        for (int k = 0; k < firings(); k++) {
            for (int d = 0; d < devices(); d++) {
                if (truthNanos[k][d] != MISSED && boundNanos[k][d] != NO_BOUND) {
                    out[n++] = boundNanos[k][d];
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Actions whose device stated a bound. */
    public int bounded() {
        return boundsNanos().length;
    }

    /** Actions whose truth lay within the bound their device stated around the time it reported. */
    public synchronized int withinBound() {
        int n = 0;
        for (int k = 0; k < firings(); k++) {
            for (int d = 0; d < devices(); d++) {
                n += reportHolds(k, d) ? 1 : 0;
            }
        }
        return n;
    }

    /** The {@code q} (0–1) percentile of {@code values} by the project's one definition; NaN when empty. */
    public static double percentile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return Stats.percentile(sorted, sorted.length, q);
    }

    /** The same percentile of the absolute values. */
    public static double absPercentile(long[] values, double q) {
        long[] abs = new long[values.length];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(values[i]);
        }
        return percentile(abs, q);
    }
}
