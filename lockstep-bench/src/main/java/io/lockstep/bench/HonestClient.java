package io.lockstep.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lockstep.measure.OffsetMeter;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.Target;

/**
 * A well-behaved client measuring a server again and again while it is under attack, exactly as
 * {@code lockstep offset TARGET} does ({@link OffsetMeter#measure(Target)}: the protocol's
 * default burst, 1 s timeout), from 127.0.0.1. It records which measurements succeeded and
 * their error bounds, so a benchmark can say what a real user saw. {@link #start} runs it on its
 * own thread; {@link #stop} ends it and returns the summary. Not thread-safe otherwise.
 */
public final class HonestClient {

    private static final long PAUSE_MILLIS = 200;

    private final Target target;
    // The bench's own server: the fast burst, as before public servers got a polite pace.
    private final OffsetMeter meter = new OffsetMeter().forOwnServer();
    private final List<Long> boundsNanos = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private volatile boolean stopping;
    private Thread thread;

    public HonestClient(Target target) {
        this.target = target;
    }

    /** One measurement now, on the calling thread. */
    public static Summary once(Target target) {
        HonestClient c = new HonestClient(target);
        c.measureOnce();
        return c.summary();
    }

    /** Starts measuring repeatedly (200 ms apart) on a new thread. */
    public void start() {
        thread = new Thread(() -> {
            while (!stopping) {
                measureOnce();
                synchronized (this) {
                    if (!stopping) {
                        try {
                            wait(PAUSE_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        }, "lockstep-attack-honest-client");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Lets the measurement under way finish (it is not interrupted: an interrupted socket would
     * count as a failure the attack did not cause), stops, and summarises every measurement made.
     */
    public Summary stop() throws InterruptedException {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        // A burst of timeouts takes at most its samples × 1 s.
        thread.join(120_000);
        return summary();
    }

    private void measureOnce() {
        try {
            OffsetEstimate e = meter.measure(target);
            synchronized (this) {
                boundsNanos.add(e.errorBoundNanos());
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    /** Measurements finished so far, successful or not; lets a caller wait for progress. */
    public synchronized int attempts() {
        return boundsNanos.size() + failures.size();
    }

    private synchronized Summary summary() {
        return new Summary(boundsNanos.size() + failures.size(), List.copyOf(boundsNanos),
                failures.isEmpty() ? null : failures.get(0));
    }

    /**
     * @param attempts     measurements made
     * @param boundsNanos  error bound of each successful one
     * @param firstFailure the first failure's message, or null
     */
    public record Summary(int attempts, List<Long> boundsNanos, String firstFailure) {

        /** E.g. {@code 14/14 ok, bound median 61 µs, max 140 µs} or {@code 0/5 ok: connection refused}. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(boundsNanos.size()).append('/').append(attempts).append(" ok");
            if (!boundsNanos.isEmpty()) {
                long[] sorted = boundsNanos.stream().mapToLong(Long::longValue).sorted().toArray();
                sb.append(String.format(Locale.ROOT, ", bound median %s, max %s",
                        micros(Math.round(Stats.percentile(sorted, sorted.length, 0.5))),
                        micros(sorted[sorted.length - 1])));
            }
            if (firstFailure != null) {
                sb.append("; failed: ").append(firstFailure.length() > 90 ? firstFailure.substring(0, 87) + "..." : firstFailure);
            }
            return sb.toString();
        }

        private static String micros(long nanos) {
            return nanos >= 10_000_000L ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
                    : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
    }
}
