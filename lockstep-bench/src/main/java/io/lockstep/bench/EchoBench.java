package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.lockstep.estimate.OffsetEstimate;
import io.lockstep.estimate.Stats;
import io.lockstep.estimate.TimeSample;
import io.lockstep.net.Addresses;
import io.lockstep.measure.BurstSampler;
import io.lockstep.net.EchoProbe;
import io.lockstep.net.EchoServer;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench echo}: Time Echo accuracy on loopback against a simulated clock whose
 * true offset is known. The exchanges are cut into bursts of 100 (what one Pupil Labs
 * {@code estimate_time_offset()} call makes); for each burst the Pupil Labs mean and median and
 * Lockstep's estimate are compared with the truth at the burst's midpoint. Prints a table; never
 * passes or fails on time. Not thread-safe; run once per process.
 */
public final class EchoBench {

    private EchoBench() {
    }

    /**
     * @param exchanges    total exchanges (a multiple of 100 is best)
     * @param offsetNanos  how far the simulated device's clock reads ahead
     * @param driftPpm     the simulated device's drift
     * @return exit code (0)
     */
    public static int run(PrintStream out, int exchanges, long offsetNanos, double driftPpm) throws IOException {
        TimeSource local = TimeSource.system();
        SimulatedTimeSource device = new SimulatedTimeSource(local, offsetNanos, driftPpm);
        int burstSize = Math.min(100, exchanges);
        int bursts = (exchanges + burstSize - 1) / burstSize;
        List<double[]> errorsNs = new ArrayList<>(); // per burst: mean, median, lockstep, bound
        List<Long> roundTrips = new ArrayList<>();
        int contained = 0;
        int dropped = 0;
        String method = "";
        out.printf(Locale.ROOT, "Time Echo on loopback: %d exchanges in %d bursts of up to %d, simulated device %+.3f ms, %.1f ppm%n",
                exchanges, bursts, burstSize, offsetNanos / 1e6, driftPpm);
        long burstNanosSum = 0;
        try (EchoServer server = EchoServer.start(device, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Target target = Target.parse("echo://" + Addresses.format(server.address()));
            OffsetMeter meter = new OffsetMeter(local, 1_000_000_000L);
            for (int b = 0; b < bursts; b++) {
                int size = Math.min(burstSize, exchanges - b * burstSize);
                try (EchoProbe probe = new EchoProbe(server.address(), local, 1_000_000_000L)) {
                    long startedNanos = System.nanoTime();
                    BurstSampler.Burst burst = BurstSampler.run(probe, size, Progress.NONE);
                    burstNanosSum += System.nanoTime() - startedNanos;
                    dropped += burst.dropped();
                    // Judge exactly what `lockstep offset` would report, at the instant it applies to.
                    OffsetEstimate e = meter.estimate(target, burst);
                    long truth = -device.aheadAtReferenceWallNanos(e.localWallNanos());
                    errorsNs.add(new double[] {
                            e.offsetMs().mean() * 1e6 - truth,
                            e.offsetMs().median() * 1e6 - truth,
                            e.offsetNanos() - truth,
                            e.errorBoundNanos()});
                    if (e.contains(truth)) {
                        contained++;
                    }
                    method = e.method();
                    for (TimeSample s : burst.samples()) {
                        roundTrips.add(s.roundTripNanos());
                    }
                }
            }
        }
        Table t = new Table("estimator", "mean abs error", "max abs error", "error bound (mean)", "truth within bound");
        String[] names = {"Pupil Labs mean (1 ms clock)", "Pupil Labs median (1 ms clock)", "Lockstep (" + method + ")"};
        for (int k = 0; k < 3; k++) {
            double sum = 0;
            double max = 0;
            double boundSum = 0;
            for (double[] e : errorsNs) {
                sum += Math.abs(e[k]);
                max = Math.max(max, Math.abs(e[k]));
                boundSum += e[3];
            }
            boolean ours = k == 2;
            t.row(names[k], us(sum / errorsNs.size()), us(max),
                    ours ? us(boundSum / errorsNs.size()) : "none given",
                    ours ? contained + "/" + errorsNs.size() : "-");
        }
        t.print(out);
        long[] rt = roundTrips.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(rt);
        out.printf(Locale.ROOT, "round trip: p50 %s, p99 %s, min %s over %d exchanges; dropped %d; a burst took %.0f ms on average%n",
                us(Stats.percentile(rt, rt.length, 0.50)), us(Stats.percentile(rt, rt.length, 0.99)), us(rt[0]), rt.length, dropped,
                burstNanosSum / 1e6 / bursts);
        return 0;
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
