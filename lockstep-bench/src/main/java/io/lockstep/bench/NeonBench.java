package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.neon.EventEstimator;
import io.lockstep.neon.EventMethod;
import io.lockstep.net.Addresses;
import io.lockstep.net.NeonClient;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.Target;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.sim.ImpairProxy;
import io.lockstep.sim.LinkModel;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench neon}: the two ways of measuring a Companion phone, compared on the fake
 * app through an impairment proxy. For every burst the phone gets a new offset (whole
 * milliseconds plus a sub-millisecond part drawn at random) and is measured both over Time Echo
 * and with the event method, each through its own TCP {@link ImpairProxy} with the same link
 * model; every estimate is judged against the truth at the instant it applies to. Prints a
 * table and a verdict drawn from the numbers; never passes or fails on time. Not thread-safe;
 * run once per process.
 */
public final class NeonBench {

    private static final long MS = 1_000_000L;

    private NeonBench() {
    }

    /**
     * What to run.
     *
     * @param bursts     bursts per method (1 to 100,000)
     * @param samples    exchanges (Time Echo) and events (event method) per burst
     * @param link       the impairment between this host and the phone
     * @param linkLabel  the link as the user wrote it, for the heading
     * @param offsetNanos how far the phone's clock reads ahead of this host (Lockstep's offset, local −
     *                    phone, is minus this); its sub-millisecond part is drawn per burst
     * @param driftPpm   the phone's drift
     * @param seed       seed of the draws and of the link
     */
    public record Options(int bursts, int samples, LinkModel link, String linkLabel, long offsetNanos, double driftPpm,
                          long seed) {
        public Options {
            if (bursts < 1 || bursts > 100_000) {
                throw new IllegalArgumentException("--bursts must be between 1 and 100000");
            }
            if (samples < 1 || samples > 10_000) {
                throw new IllegalArgumentException("--samples must be between 1 and 10000");
            }
        }
    }

    /** One estimator's errors against the truth, one per burst. */
    private static final class Judged {
        final String label;
        final List<Double> errorsNanos = new ArrayList<>();
        final List<Double> boundsNanos = new ArrayList<>();
        int contained;
        int failed;
        long burstNanos;

        Judged(String label) {
            this.label = label;
        }

        void add(double errorNanos, long boundNanos) {
            errorsNanos.add(errorNanos);
            if (boundNanos >= 0) {
                boundsNanos.add((double) boundNanos);
                if (Math.abs(errorNanos) <= boundNanos) {
                    contained++;
                }
            }
        }

        boolean bounded() {
            return !boundsNanos.isEmpty();
        }

        double medianBound() {
            double[] b = boundsNanos.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return Stats.percentile(b, b.length, 0.5);
        }
    }

    /** @return exit code (0) */
    public static int run(PrintStream out, Options o) throws IOException {
        TimeSource local = TimeSource.system();
        SplittableRandom random = new SplittableRandom(o.seed());
        long aheadMs = Math.floorDiv(o.offsetNanos(), MS);
        out.printf(Locale.ROOT, "Companion phone on the fake app through impair (%s), %d bursts of %d per method, phone"
                        + " clock %+d ms ahead of this host (offset local − phone about %+d ms) + a sub-ms part drawn"
                        + " per burst, %.1f ppm; load average %s%n", o.linkLabel(),
                o.bursts(), o.samples(), aheadMs, -aheadMs, o.driftPpm(), HostStats.loadAverages("unknown"));
        Judged echoBound = new Judged("Time Echo: Lockstep (interval intersection)");
        Judged echoMean = new Judged("Time Echo: Pupil Labs mean (1 ms clock)");
        Judged eventBound = new Judged("Events: Lockstep (interval intersection)");
        Judged eventSeed = new Judged("Events: Pupil Labs guide (median of midpoints)");
        List<Long> echoRoundTrips = new ArrayList<>();
        List<Long> eventRoundTrips = new ArrayList<>();
        OffsetMeter meter = new OffsetMeter(local, 2_000_000_000L);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (int b = 0; b < o.bursts(); b++) {
            long offset = Math.floorDiv(o.offsetNanos(), MS) * MS + random.nextLong(MS);
            SimulatedTimeSource phone = new SimulatedTimeSource(local, offset, o.driftPpm());
            try (FakeCompanion app = FakeCompanion.builder(phone).seed(random.nextLong()).start();
                 ImpairProxy httpProxy = ImpairProxy.tcp(loopback, app.httpAddress(), o.link(), random.nextLong());
                 ImpairProxy echoProxy = ImpairProxy.tcp(loopback,
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), app.timeEchoPort()), o.link(),
                         random.nextLong())) {
                // Alternate which method goes first so neither always meets a warmer machine.
                for (int turn = 0; turn < 2; turn++) {
                    if ((b + turn) % 2 == 0) {
                        Target echo = Target.parse("echo://" + Addresses.format(echoProxy.localAddress()));
                        long started = System.nanoTime();
                        try {
                            OffsetEstimate e = meter.measure(echo, o.samples(), Progress.NONE);
                            echoBound.burstNanos += System.nanoTime() - started;
                            long truth = -phone.aheadAtReferenceWallNanos(e.localWallNanos());
                            echoBound.add(e.offsetNanos() - truth, e.errorBoundNanos());
                            echoMean.add(e.offsetMs().mean() * 1e6 - truth, -1);
                            echoRoundTrips.add(e.roundTripNanos());
                        } catch (IOException failed) {
                            echoBound.failed++;
                        }
                    } else {
                        NeonClient client = new NeonClient("127.0.0.1", httpProxy.localAddress().getPort(),
                                2_000_000_000L);
                        long started = System.nanoTime();
                        try {
                            EventEstimator.Result r = EventMethod.measure(client, "neon://fake", local, o.samples(),
                                    false, EchoEstimator.DEFAULT_MAX_DRIFT_PPM);
                            eventBound.burstNanos += System.nanoTime() - started;
                            OffsetEstimate e = r.estimate();
                            long truth = -phone.aheadAtReferenceWallNanos(e.localWallNanos());
                            eventBound.add(e.offsetNanos() - truth, e.errorBoundNanos());
                            eventSeed.add(r.seedOffsetNanos() - truth, -1);
                            eventRoundTrips.add(e.roundTripNanos());
                        } catch (IOException failed) {
                            eventBound.failed++;
                        }
                    }
                }
            }
        }
        Table t = new Table("method", "mean error", "p50 abs", "p95 abs", "max abs", "bound p50",
                "truth within bound", "failed bursts", "burst time");
        for (Judged j : List.of(echoBound, echoMean, eventBound, eventSeed)) {
            if (j.errorsNanos.isEmpty()) {
                t.row(j.label, "-", "-", "-", "-", "-", "-", j.failed, "-");
                continue;
            }
            double[] abs = j.errorsNanos.stream().mapToDouble(Math::abs).sorted().toArray();
            double mean = j.errorsNanos.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            boolean primary = j == echoBound || j == eventBound;
            t.row(j.label, us(mean), us(Stats.percentile(abs, abs.length, 0.5)),
                    us(Stats.percentile(abs, abs.length, 0.95)), us(abs[abs.length - 1]),
                    j.bounded() ? us(j.medianBound()) : "none given",
                    j.bounded() ? j.contained + "/" + j.errorsNanos.size() : "-",
                    primary ? Integer.toString(j.failed) : "",
                    primary ? String.format(Locale.ROOT, "%.0f ms", j.burstNanos / 1e6 / Math.max(1, j.errorsNanos.size()))
                            : "");
        }
        t.print(out);
        out.printf(Locale.ROOT, "best round trip per burst, median: Time Echo %s, events %s%n",
                us(median(echoRoundTrips)), us(median(eventRoundTrips)));
        out.println("errors are estimate - truth (local - phone) at the instant the estimate applies to");
        out.println(verdict(echoBound, eventBound));
        return 0;
    }

    /** Which method to trust, from the numbers of this run. */
    static String verdict(Judged echo, Judged events) {
        if (echo.errorsNanos.isEmpty() || events.errorsNanos.isEmpty()) {
            return "verdict: no comparison (a method produced no estimate)";
        }
        double echoHeld = (double) echo.contained / echo.errorsNanos.size();
        double eventsHeld = (double) events.contained / events.errorsNanos.size();
        StringBuilder sb = new StringBuilder("verdict: ");
        Judged better = echo.medianBound() <= events.medianBound() ? echo : events;
        if (echoHeld >= 0.99 && eventsHeld >= 0.99) {
            sb.append(String.format(Locale.ROOT, "both bounds held (Time Echo %.1f %%, events %.1f %%); trust ",
                    echoHeld * 100, eventsHeld * 100));
            sb.append(better == echo ? "Time Echo" : "the event method");
            sb.append(String.format(Locale.ROOT, ": its bound is %.1fx tighter (%s vs %s). ",
                    Math.max(echo.medianBound(), events.medianBound()) / Math.min(echo.medianBound(), events.medianBound()),
                    us(better.medianBound()), us((better == echo ? events : echo).medianBound())));
        } else {
            sb.append(String.format(Locale.ROOT, "a bound failed too often (Time Echo %.1f %%, events %.1f %%). ",
                    echoHeld * 100, eventsHeld * 100));
        }
        sb.append("A Time Echo reply is stamped by a small TCP server right away; an event is stamped somewhere inside"
                + " an HTTP request, after the app's processing, so its interval is as wide as the HTTP round trip."
                + " Use events when the app is too old for Time Echo: their bound still holds.");
        return sb.toString();
    }

    private static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return Stats.percentile(v, v.length, 0.5);
    }

    private static String us(double nanos) {
        return Double.isNaN(nanos) ? "-" : String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
