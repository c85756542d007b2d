package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.lockstep.measure.Burst;
import io.lockstep.measure.BurstSampler;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.net.Addresses;
import io.lockstep.net.EchoProbe;
import io.lockstep.net.EchoServer;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Stats;
import io.lockstep.protocol.Target;
import io.lockstep.protocol.TimeProbe;
import io.lockstep.protocol.TimeSample;
import io.lockstep.sim.host.HostStats;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * {@code lockstep bench echo}: Time Echo accuracy on loopback against a simulated device whose
 * true offset is known. The exchanges are cut into bursts of 100 (what one Pupil Labs
 * {@code estimate_time_offset()} call makes). For every burst the device gets a new offset whose
 * sub-millisecond part is drawn at random (a fixed value such as 137.5 ms would favour or
 * handicap the millisecond arithmetic of one method), and the device is measured with both
 * schedules: back to back, as the Pupil Labs client sends, and with Lockstep's random ~1 ms
 * pauses, as {@code lockstep offset} sends. Each schedule's burst is judged by every estimator
 * (the Pupil Labs mean and median, and Lockstep's estimate with its bound) against the truth at
 * the instant the estimate applies to; the table gives the distribution of errors over bursts.
 * Prints a table; never passes or fails on time. Not thread-safe; run once per process.
 */
public final class EchoBench {

    private static final int BURST = 100;
    private static final long MS = 1_000_000L;

    private EchoBench() {
    }

    /**
     * What to run.
     *
     * @param exchanges   exchanges per schedule in all, in bursts of 100 (2 to 10,000,000)
     * @param offsetNanos the simulated device's offset; its whole milliseconds when the sub-ms
     *                    part is drawn per burst
     * @param driftPpm    the simulated device's drift
     * @param fixedOffset use {@code offsetNanos} as it is for every burst instead of drawing the
     *                    sub-millisecond part
     * @param seed        seed of the sub-millisecond draws
     */
    public record Options(int exchanges, long offsetNanos, double driftPpm, boolean fixedOffset, long seed) {
        public Options {
            if (exchanges < 2 || exchanges > 10_000_000) {
                throw new IllegalArgumentException("--exchanges must be between 2 and 10000000");
            }
        }
    }

    /** The two ways of spacing a burst's exchanges. */
    private enum Schedule {
        BACK_TO_BACK("back to back (Pupil Labs client)"),
        SPACED("~1 ms random pauses (lockstep offset)");

        final String label;

        Schedule(String label) {
            this.label = label;
        }
    }

    /** Errors (estimate − truth, ns) of one estimator on one schedule, one per burst. */
    private static final class Errors {
        final List<Double> errorsNanos = new ArrayList<>();
        final List<Double> boundsNanos = new ArrayList<>();
        int contained;
    }

    /** @return exit code (0) */
    public static int run(PrintStream out, Options o) throws IOException {
        TimeSource local = TimeSource.system();
        int burstSize = Math.min(BURST, o.exchanges());
        int bursts = (o.exchanges() + burstSize - 1) / burstSize;
        SplittableRandom random = new SplittableRandom(o.seed());
        out.printf(Locale.ROOT, "Time Echo on loopback: %d bursts of up to %d exchanges per schedule, simulated device %s,"
                        + " %.1f ppm; load average %s%n", bursts, burstSize,
                o.fixedOffset() ? String.format(Locale.ROOT, "%+.3f ms", o.offsetNanos() / 1e6)
                        : String.format(Locale.ROOT, "%+d ms + a sub-ms part drawn per burst (seed %d)",
                        Math.floorDiv(o.offsetNanos(), MS), o.seed()),
                o.driftPpm(), HostStats.loadAverages("unknown"));
        String[] estimators = {"Pupil Labs mean (1 ms clock)", "Pupil Labs median (1 ms clock)", "Lockstep"};
        Errors[][] errors = new Errors[Schedule.values().length][estimators.length];
        for (Errors[] row : errors) {
            for (int k = 0; k < row.length; k++) {
                row[k] = new Errors();
            }
        }
        List<List<Long>> roundTrips = List.of(new ArrayList<>(), new ArrayList<>());
        long[] burstNanosSum = new long[2];
        int[] dropped = new int[2];
        String[] methods = new String[Schedule.values().length];
        OffsetMeter meter = new OffsetMeter(local, 1_000_000_000L);
        for (int b = 0; b < bursts; b++) {
            int size = Math.min(burstSize, o.exchanges() - b * burstSize);
            long offset = o.fixedOffset() ? o.offsetNanos()
                    : Math.floorDiv(o.offsetNanos(), MS) * MS + random.nextLong(MS);
            SimulatedTimeSource device = new SimulatedTimeSource(local, offset, o.driftPpm());
            try (EchoServer server = EchoServer.start(device, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                Target target = Target.parse("echo://" + Addresses.format(server.address()));
                // Alternate which schedule goes first so neither always meets a warmer machine.
                for (int turn = 0; turn < 2; turn++) {
                    Schedule schedule = Schedule.values()[(b + turn) % 2];
                    int s = schedule.ordinal();
                    try (EchoProbe probe = new EchoProbe(server.address(), local, 1_000_000_000L)) {
                        long startedNanos = System.nanoTime();
                        Burst burst = schedule == Schedule.SPACED
                                ? BurstSampler.run(probe, size, Progress.NONE)
                                : backToBack(probe, size);
                        burstNanosSum[s] += System.nanoTime() - startedNanos;
                        dropped[s] += burst.dropped();
                        // Judge exactly what `lockstep offset` would report, at the instant it applies to.
                        OffsetEstimate e = meter.estimate(target, burst);
                        long truth = -device.aheadAtReferenceWallNanos(e.localWallNanos());
                        record(errors[s][0], e.offsetMs().mean() * 1e6 - truth, -1, false);
                        record(errors[s][1], e.offsetMs().median() * 1e6 - truth, -1, false);
                        record(errors[s][2], e.offsetNanos() - truth, e.errorBoundNanos(), e.contains(truth));
                        // Methods differ only when a burst falls back; show the last one's.
                        methods[s] = e.method();
                        for (TimeSample sample : burst.samples()) {
                            roundTrips.get(s).add(sample.roundTripNanos());
                        }
                    }
                }
            }
        }
        Table t = new Table("schedule", "estimator", "mean error", "mean abs error", "p50 abs", "p95 abs", "max abs",
                "error bound (mean)", "truth within bound");
        for (Schedule schedule : Schedule.values()) {
            for (int k = 0; k < estimators.length; k++) {
                Errors e = errors[schedule.ordinal()][k];
                double[] abs = e.errorsNanos.stream().mapToDouble(Math::abs).sorted().toArray();
                boolean ours = k == 2;
                t.row(schedule.label, ours ? "Lockstep (" + methods[schedule.ordinal()] + ")" : estimators[k],
                        us(Stats.of(e.errorsNanos.stream().mapToDouble(Double::doubleValue).toArray()).mean()),
                        us(Stats.of(abs).mean()), us(Stats.percentile(abs, abs.length, 0.50)),
                        us(Stats.percentile(abs, abs.length, 0.95)), us(abs[abs.length - 1]),
                        ours ? us(Stats.of(e.boundsNanos.stream().mapToDouble(Double::doubleValue).toArray()).mean())
                                : "none given",
                        ours ? e.contained + "/" + e.errorsNanos.size() : "-");
            }
        }
        t.print(out);
        for (Schedule schedule : Schedule.values()) {
            int s = schedule.ordinal();
            long[] rt = roundTrips.get(s).stream().mapToLong(Long::longValue).sorted().toArray();
            out.printf(Locale.ROOT, "round trip: p50 %s, p99 %s, min %s over %d exchanges; dropped %d; a burst took"
                            + " %.1f ms on average; %s%n", us(Stats.percentile(rt, rt.length, 0.50)),
                    us(Stats.percentile(rt, rt.length, 0.99)), us(rt[0]), rt.length, dropped[s],
                    burstNanosSum[s] / 1e6 / bursts, schedule.label);
        }
        out.println("errors are estimate - truth (local - device); a Lockstep row names its last burst's method");
        return 0;
    }

    private static void record(Errors e, double errorNanos, long boundNanos, boolean contained) {
        e.errorsNanos.add(errorNanos);
        e.boundsNanos.add((double) boundNanos);
        if (contained) {
            e.contained++;
        }
    }

    /**
     * What the Pupil Labs client does: one exchange discarded, then {@code count} exchanges each
     * sent as soon as the previous reply is in.
     */
    private static Burst backToBack(TimeProbe probe, int count) throws IOException {
        return BurstSampler.run(probe, count, 0, Progress.NONE);
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
