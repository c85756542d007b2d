package io.lockstep.measure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.PublicServerPace;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.time.Durations;
import io.lockstep.time.TimeSource;

/**
 * One-shot offset measurement of a target, the Java counterpart of the Pupil Labs client's
 * {@code estimate_time_offset()}, for every protocol: the target's {@link Protocol} opens the
 * probe, one {@link BurstSampler} burst collects the exchanges, and the protocol's estimator
 * condenses them into an {@link OffsetEstimate} whose bound is widened by the local clock's own
 * uncertainty. Several targets of a protocol that {@linkplain Protocol#combinesSources()
 * combines sources} are measured in parallel and selected among ({@link #measureAll}).
 * Stateless apart from its settings; each call opens its own probe, so it is thread-safe.
 *
 * <p>Politeness: by default a burst keeps to the {@linkplain Protocol#publicServerPace() pace
 * a public server accepts} (for NTP, 4 requests 2 s apart, at most 8), since the target may be
 * anyone's server. {@link #forOwnServer()} gives a meter for servers the user runs, which bursts
 * at the protocol's own spacing (for NTP, a request every 2 ms on average, up to 10,000).
 */
public final class OffsetMeter {

    /** Default connect and per-exchange timeout: 1 s. */
    public static final long DEFAULT_TIMEOUT_NANOS = 1_000_000_000L;

    private final TimeSource local;
    private final long timeoutNanos;
    private final double maxDriftPpm;
    private final boolean ownServer;

    /**
     * @param local        the local clock (its {@link TimeSource#wallUncertaintyNanos()} is added to bounds)
     * @param timeoutNanos connect and per-exchange timeout (at least 1 ms)
     * @param maxDriftPpm  largest drift between the clocks assumed while a burst runs
     */
    public OffsetMeter(TimeSource local, long timeoutNanos, double maxDriftPpm) {
        this(local, timeoutNanos, maxDriftPpm, false);
    }

    private OffsetMeter(TimeSource local, long timeoutNanos, double maxDriftPpm, boolean ownServer) {
        if (timeoutNanos < 1_000_000L) {
            throw new IllegalArgumentException("timeout must be at least 1ms");
        }
        if (!(maxDriftPpm >= 0)) {
            throw new IllegalArgumentException("maximum drift must not be negative");
        }
        this.local = local;
        this.timeoutNanos = timeoutNanos;
        this.maxDriftPpm = maxDriftPpm;
        this.ownServer = ownServer;
    }

    public OffsetMeter(TimeSource local, long timeoutNanos) {
        this(local, timeoutNanos, EchoEstimator.DEFAULT_MAX_DRIFT_PPM);
    }

    public OffsetMeter() {
        this(TimeSource.system(), DEFAULT_TIMEOUT_NANOS);
    }

    /**
     * This meter's settings for servers the user runs (or has the operator's leave to burst at):
     * bursts at the protocol's own spacing and sizes, not a public server's pace.
     */
    public OffsetMeter forOwnServer() {
        return new OffsetMeter(local, timeoutNanos, maxDriftPpm, true);
    }

    /** True when this meter bursts as fast as the protocol allows ({@link #forOwnServer()}). */
    public boolean ownServer() {
        return ownServer;
    }

    /** The pace this meter keeps towards servers of {@code protocol}, or null when it keeps none. */
    public PublicServerPace pace(Protocol protocol) {
        return ownServer ? null : protocol.publicServerPace();
    }

    /** Exchanges in a burst of {@code protocol} unless the caller asks otherwise. */
    public int defaultSamples(Protocol protocol) {
        PublicServerPace pace = pace(protocol);
        return pace != null ? pace.defaultSamples() : protocol.defaultSamples();
    }

    /** Most exchanges a burst of {@code protocol} may ask for with this meter. */
    public int maxSamples(Protocol protocol) {
        PublicServerPace pace = pace(protocol);
        return pace != null ? pace.maxSamples() : protocol.maxSamples();
    }

    /** Measures {@code target} with this meter's default number of exchanges for its protocol. */
    public OffsetEstimate measure(Target target) throws IOException {
        return measure(target, defaultSamples(target.protocol()), Progress.NONE);
    }

    /**
     * Measures {@code target} with {@code samples} exchanges.
     *
     * @throws IOException with a one-line message on network failure, a peer that is not the
     *                     expected server, or too few valid samples
     */
    public OffsetEstimate measure(Target target, int samples, Progress progress) throws IOException {
        checkSamples(target.protocol(), samples);
        try (TimeProbe probe = target.protocol().open(target, local, timeoutNanos)) {
            return measure(target, probe, samples, progress);
        }
    }

    /**
     * Measures over a probe the caller opened (e.g. an NTPv3 {@code NtpProbe}); the probe stays open.
     *
     * @throws IOException as {@link #measure(Target, int, Progress)}
     */
    public OffsetEstimate measure(Target target, TimeProbe probe, int samples, Progress progress) throws IOException {
        Protocol protocol = target.protocol();
        checkSamples(protocol, samples);
        PublicServerPace pace = pace(protocol);
        Burst burst = pace != null ? BurstSampler.runPaced(probe, samples, pace.spacingNanos(), progress)
                : BurstSampler.run(probe, samples, progress);
        // The target's protocol judges the burst, not the probe's: a probe opened by hand may wrap another.
        if (burst.samples().isEmpty()) {
            if (burst.dropReasons().keySet().equals(Set.of("timeout"))) {
                throw new IOException("no " + protocol.displayName() + " reply from " + target.authority() + " within "
                        + Durations.formatCompact(timeoutNanos));
            }
            throw new IOException("no usable " + protocol.displayName() + " reply from " + target.authority() + ": "
                    + burst.dropSummary());
        }
        int needed = protocol.minValidSamples(samples);
        if (burst.stoppedEarly() == null && burst.samples().size() < needed) {
            throw new IOException("too few valid samples from " + target + ": " + burst.samples().size() + " of "
                    + samples + " (" + burst.dropSummary() + ")");
        }
        return estimate(target, burst);
    }

    /**
     * The estimate {@link #measure} reports for a burst: the protocol's estimator with this
     * meter's drift allowance, widened by the local clock's own uncertainty. Exposed so a
     * benchmark that keeps the burst's samples judges exactly what users get.
     */
    public OffsetEstimate estimate(Target target, Burst burst) {
        return target.protocol().estimate(target, burst.samples(), burst.dropped(), burst.dropSummary(), maxDriftPpm)
                .widenedBy(local.wallUncertaintyNanos());
    }

    /**
     * Measures several servers of one protocol at once (in parallel), then selects among them
     * (intersection of their confidence intervals, falsetickers flagged, truechimers combined).
     *
     * @throws IOException when none could be measured (the message names each failure)
     * @throws SourceSelection.NoMajorityException when the reachable servers have no majority
     * @throws IllegalArgumentException when the targets mix protocols or theirs cannot be combined
     */
    public Survey measureAll(List<Target> targets, int samples) throws IOException, SourceSelection.NoMajorityException {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no targets given");
        }
        Protocol protocol = targets.get(0).protocol();
        for (Target t : targets) {
            if (t.protocol() != protocol || !protocol.combinesSources()) {
                throw new IllegalArgumentException("several targets are only for ntp:// servers, whose estimates can be"
                        + " combined; measure " + t.scheme() + ":// targets one at a time");
            }
        }
        checkSamples(protocol, samples);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(targets.size(), 16), r -> {
            Thread t = new Thread(r, "lockstep-measure");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<OffsetEstimate>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(() -> measure(t, samples, Progress.NONE)));
            }
            List<OffsetEstimate> estimates = new ArrayList<>();
            Map<String, String> failures = new LinkedHashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                try {
                    estimates.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    failures.put(targets.get(i).text(), cause.getMessage() == null ? cause.toString() : cause.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while measuring " + targets.size() + " servers", e);
                }
            }
            if (estimates.isEmpty()) {
                throw new IOException("no server could be measured: " + String.join("; ", failures.values()));
            }
            SelectedSources selection;
            try {
                selection = SourceSelection.select(estimates);
            } catch (SourceSelection.NoMajorityException e) {
                throw e.withFailures(failures);
            }
            return new Survey(estimates, failures, selection);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkSamples(Protocol protocol, int samples) {
        int max = maxSamples(protocol);
        if (samples < 1 || samples > max) {
            throw new IllegalArgumentException("samples for " + protocol.scheme() + ":// must be between 1 and "
                    + max + ", got " + samples + (max < protocol.maxSamples()
                    ? " (a public server's limit; forOwnServer() bursts up to " + protocol.maxSamples() + ")" : ""));
        }
    }
}
