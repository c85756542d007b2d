package io.lockstep.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.TrackRecord;
import io.lockstep.net.Addresses;
import io.lockstep.net.EchoServer;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;
import io.lockstep.track.TrackingOptions;

/**
 * {@code lockstep bench track}: tracking over real loopback sockets against a simulated device
 * whose true offset is known at every instant, through the same {@link Tracker} pipeline and
 * options as {@code lockstep track} (Time Echo in bursts of 8, NTP one exchange per interval,
 * the same timeout and pacing). For each run it reports the offset error and
 * drift error at the end, the worst error relative to the stated bound, and how many SYNCED
 * records had the truth outside their bound. Prints a table; never passes or fails. Not
 * thread-safe; run once per process.
 */
public final class LiveTrackBench {

    private LiveTrackBench() {
    }

    /** What to run. */
    public record Options(String protocol, long intervalNanos, int samples, int runs, long offsetNanos, double driftPpm) {
        public Options {
            if (!protocol.equals("echo") && !protocol.equals("ntp")) {
                throw new IllegalArgumentException("--protocol must be echo or ntp");
            }
            if (intervalNanos < 1_000_000L || samples < 3 || runs < 1) {
                throw new IllegalArgumentException("need an interval of at least 1ms, 3 samples and 1 run");
            }
        }
    }

    public static int run(PrintStream out, Options o) throws IOException, InterruptedException {
        TimeSource local = TimeSource.system();
        out.printf(Locale.ROOT, "Tracking over loopback %s: %d run(s) of %d samples every %.0f ms; device %+.3f ms, %.1f ppm%n",
                o.protocol(), o.runs(), o.samples(), o.intervalNanos() / 1e6, o.offsetNanos() / 1e6, o.driftPpm());
        Table t = new Table("run", "synced", "outside bound", "worst error/bound", "offset error at end", "bound at end",
                "drift at end", "drift error");
        int synced = 0;
        int outside = 0;
        for (int run = 1; run <= o.runs(); run++) {
            SimulatedTimeSource device = new SimulatedTimeSource(local, o.offsetNanos(), o.driftPpm());
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            AutoCloseable server;
            Target target;
            if (o.protocol().equals("echo")) {
                EchoServer s = EchoServer.start(device, loopback);
                server = s;
                target = Target.parse("echo://" + Addresses.format(s.address()));
            } else {
                NtpServer s = NtpServer.start(NtpServerConfig.builder(device).port(0).build());
                server = s;
                target = Target.parse("ntp://" + Addresses.format(s.localAddress()));
            }
            Judge judge = new Judge(device);
            // Exactly as `lockstep track` runs: the same pipeline, options, timeout and pacing.
            TrackingOptions options = TrackingOptions.defaults().withIntervalNanos(o.intervalNanos()).withLocal(local);
            try (AutoCloseable closing = server; Tracker tracker = Tracker.open(target, options)) {
                tracker.run(0, o.samples(), null, judge::record);
            } catch (Exception e) {
                if (e instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getMessage(), e);
            }
            synced += judge.synced;
            outside += judge.outside;
            TrackRecord last = judge.last;
            t.row(run, judge.synced, judge.outside, String.format(Locale.ROOT, "%.2f", judge.worstErrorPerBound),
                    last == null ? "-" : us(judge.lastErrorNanos), last == null ? "-" : us(last.errorBoundNanos()),
                    last == null ? "-" : String.format(Locale.ROOT, "%+.3f ppm", last.driftPpm()),
                    last == null ? "-" : String.format(Locale.ROOT, "%.3f ppm", Math.abs(last.driftPpm() - o.driftPpm())));
        }
        t.print(out);
        out.printf(Locale.ROOT, "truth outside the stated bound in %d of %d SYNCED records%n", outside, synced);
        return 0;
    }

    /** Judges each SYNCED record of one run against the simulated device's truth. Not thread-safe. */
    private static final class Judge {
        private final SimulatedTimeSource device;
        int synced;
        int outside;
        double worstErrorPerBound;
        TrackRecord last;
        long lastErrorNanos;

        Judge(SimulatedTimeSource device) {
            this.device = device;
        }

        void record(TrackRecord r) {
            if (r.state() != ClockState.SYNCED || r.errorBoundNanos() < 0) {
                return;
            }
            long error = r.filteredOffsetNanos() + device.aheadAtReferenceWallNanos(r.localNanos());
            synced++;
            worstErrorPerBound = Math.max(worstErrorPerBound, Math.abs(error) / (double) Math.max(1, r.errorBoundNanos()));
            if (Math.abs(error) > r.errorBoundNanos()) {
                outside++;
            }
            last = r;
            lastErrorNanos = error;
        }
    }

    private static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
