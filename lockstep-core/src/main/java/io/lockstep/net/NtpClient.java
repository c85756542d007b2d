package io.lockstep.net;

import io.lockstep.measure.NtpSurvey;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.estimate.DelayFilter;
import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.estimate.SelectedSources;
import io.lockstep.estimate.SourceSelection;
import io.lockstep.estimate.Stats;
import io.lockstep.estimate.TimeSample;
import io.lockstep.internal.ClockPrecision;
import io.lockstep.ntp.NtpPacket;
import io.lockstep.time.Durations;

/**
 * Measures the offset of NTP servers ({@code lockstep offset ntp://HOST[:PORT]}): a burst of
 * requests per server, the fastest exchanges kept ({@link DelayFilter}), the offset of the
 * fastest one reported with an error bound derived from it, and for several servers the NTP
 * selection over their confidence intervals ({@link SourceSelection}). Thread-safe: it holds
 * only immutable options; each measurement opens its own sockets.
 *
 * <p>Sign: results follow Lockstep's convention, {@code offset = local − remote}, i.e. NTP's θ
 * negated — a server reading 2.5 ms ahead of this host gives about −2.5 ms.
 *
 * <p>Error bound of one server's estimate: half the round trip of the sample used (the reply
 * was stamped somewhere between our send and our receive), plus the server's root distance
 * (root delay / 2 + root dispersion: how far its own clock may be from its reference), plus its
 * precision (2^precision s: the granularity of its timestamps), plus how far the local time
 * source may be from this host's wall clock ({@link io.lockstep.time.TimeSource#wallUncertaintyNanos()}).
 */
public final class NtpClient {

    private final NtpClientOptions options;

    public NtpClient(NtpClientOptions options) {
        this.options = options;
    }

    /**
     * One offset estimate of one server.
     *
     * @throws IOException with a one-line message when no usable reply came (e.g.
     *         {@code no NTP reply from 127.0.0.1:9 within 1s}), the host is unknown, or the
     *         server sent a RATE/DENY/RSTR kiss-o'-death before any usable reply
     */
    public OffsetEstimate measure(Target target) throws IOException {
        try (NtpProbe probe = NtpProbe.open(target, options.timeSource(), options.timeoutNanos(), options.version())) {
            return measure(probe, target.text());
        }
    }

    /** Measures with an already open probe; {@code targetText} names the result. */
    private OffsetEstimate measure(NtpProbe probe, String targetText) throws IOException {
        List<TimeSample> samples = new ArrayList<>();
        List<NtpPacket> replies = new ArrayList<>();
        Map<String, Integer> dropReasons = new TreeMap<>();
        int dropped = 0;
        for (int i = 0; i < options.samples(); i++) {
            if (i > 0 && options.intervalNanos() > 0) {
                LockSupport.parkNanos(options.intervalNanos());
            }
            try {
                samples.add(probe.exchange());
                replies.add(probe.lastReply());
            } catch (TimeProbe.DroppedSampleException e) {
                dropped++;
                dropReasons.merge(e.getMessage(), 1, Integer::sum);
            } catch (NtpKissException e) {
                if (samples.isEmpty() || !e.kissCode().equals("RATE")) {
                    throw e;
                }
                // Told to slow down mid-burst: stop asking and use what we have.
                dropped += options.samples() - i;
                dropReasons.merge("kiss-o'-death RATE", options.samples() - i, Integer::sum);
                break;
            }
        }
        if (samples.isEmpty()) {
            String server = probe.serverLabel();
            if (dropReasons.keySet().equals(java.util.Set.of("timeout"))) {
                throw new IOException("no NTP reply from " + server + " within "
                        + Durations.formatCompact(options.timeoutNanos()));
            }
            throw new IOException("no usable NTP reply from " + server + ": " + describe(dropReasons));
        }
        return estimate(targetText, samples, replies, dropped, dropReasons)
                .widenedBy(options.timeSource().wallUncertaintyNanos());
    }

    /**
     * Measures several servers at once (in parallel), then selects and combines them.
     *
     * @throws IOException when no server could be measured (the message names each failure)
     * @throws SourceSelection.NoMajorityException when the reachable servers have no majority
     */
    public NtpSurvey measureAll(List<Target> targets) throws IOException, SourceSelection.NoMajorityException {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no NTP targets given");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(targets.size(), 16), r -> {
            Thread t = new Thread(r, "lockstep-ntp-client");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<OffsetEstimate>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(() -> measure(t)));
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
                    throw new IOException("interrupted while measuring NTP servers", e);
                }
            }
            if (estimates.isEmpty()) {
                throw new IOException("no NTP server could be measured: " + String.join("; ", failures.values()));
            }
            SelectedSources selection = SourceSelection.select(estimates);
            return new NtpSurvey(estimates, failures, selection);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static OffsetEstimate estimate(String target, List<TimeSample> samples, List<NtpPacket> replies,
                                           int dropped, Map<String, Integer> dropReasons) {
        List<TimeSample> kept = DelayFilter.keep(samples);
        TimeSample best = kept.get(0);
        NtpPacket bestReply = replies.get(indexOf(samples, best));
        long rootDistanceNanos = bestReply.rootDelay().toNanos() / 2 + bestReply.rootDispersion().toNanos();
        long precisionNanos = ClockPrecision.nanosOfLog2(bestReply.precision());
        long errorBound = TimeSample.asymmetryBoundNanos(best.roundTripNanos(), 1) + rootDistanceNanos + precisionNanos;
        double[] offsetsMs = new double[samples.size()];
        double[] roundTripsMs = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            offsetsMs[i] = samples.get(i).offsetNanos() / 1e6;
            roundTripsMs[i] = samples.get(i).roundTripNanos() / 1e6;
        }
        String method = "minimum-delay sample of " + samples.size() + " (" + (samples.size() - kept.size())
                + " rejected as delay outliers); bound = delay/2 + root distance + precision"
                // Say why requests went unanswered (a RATE kiss-o'-death above all), not just how many.
                + (dropped > 0 ? "; dropped: " + describe(dropReasons) : "");
        return new OffsetEstimate(target, "ntp", best.offsetNanos(), errorBound, best.roundTripNanos(),
                samples.size(), dropped, Stats.of(offsetsMs), Stats.of(roundTripsMs), method,
                best.localMidNanos());
    }

    private static int indexOf(List<TimeSample> samples, TimeSample s) {
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i) == s) {
                return i;
            }
        }
        throw new IllegalStateException("sample not found");
    }

    private static String describe(Map<String, Integer> reasons) {
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, count) -> parts.add(reason + " (" + count + "x)"));
        return String.join(", ", parts);
    }
}
