package io.lockstep.neon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.SyncedClock;
import io.lockstep.correct.CorrectionModel;
import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.measure.OffsetMeter;
import io.lockstep.measure.Progress;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;

/**
 * Where a phone's offset comes from when an event is converted into the phone's clock: a running
 * tracker, an offset log written by {@code lockstep track}, or a one-shot Time Echo burst.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface OffsetSource {

    /**
     * The phone's offset at local wall time {@code localWallNanos}, with its bound.
     *
     * @throws IOException with a one-line message when no offset is available (the phone cannot
     *                     be measured, the log has no usable rows, the tracker is not synced)
     */
    PhoneOffset at(long localWallNanos) throws IOException;

    /** A running tracker of the phone: its model at the instant, with the model's bound there. */
    static OffsetSource of(Tracker tracker) {
        return of(tracker.clock(), "tracker " + tracker.target());
    }

    /** A synced clock whose reference is the phone. */
    static OffsetSource of(SyncedClock clock, String label) {
        return localWallNanos -> {
            ClockModel m = clock.model();
            if (m == null) {
                throw new IOException(label + " is not synced yet: no usable exchange with the phone");
            }
            return new PhoneOffset(localWallNanos, m.offsetAtNanos(localWallNanos), m.errorBoundAtNanos(localWallNanos),
                    label);
        };
    }

    /**
     * An offset log written by {@code lockstep track neon://PHONE --log FILE}, read again whenever
     * the file has changed (a tracker may still be appending to it). Outside the logged span the
     * offset is extrapolated with a bound that grows with the distance, and the source says so.
     *
     * @throws IOException when the file cannot be read or is not a usable offset log
     */
    static OffsetSource fromLog(Path log) throws IOException {
        return new OffsetSource() {
            private CorrectionModel model = CorrectionModel.fromLog(log);
            private FileTime modified = Files.getLastModifiedTime(log);
            private long size = Files.size(log);

            @Override
            public synchronized PhoneOffset at(long localWallNanos) throws IOException {
                FileTime nowModified = Files.getLastModifiedTime(log);
                long nowSize = Files.size(log);
                if (!nowModified.equals(modified) || nowSize != size) {
                    model = CorrectionModel.fromLog(log);
                    modified = nowModified;
                    size = nowSize;
                }
                CorrectionModel.Cursor cursor = model.cursor();
                boolean covered = cursor.locate(localWallNanos);
                long offset = cursor.offsetNanos(localWallNanos);
                return new PhoneOffset(localWallNanos, offset, cursor.boundNanos(),
                        "log " + log + (covered ? "" : " (extrapolated beyond the logged span)"));
            }
        };
    }

    /**
     * One estimate carried to other instants: its bound grows by {@code maxDriftPpm} × the
     * distance from the instant it applies to.
     */
    static OffsetSource of(OffsetEstimate estimate, double maxDriftPpm, String label) {
        return localWallNanos -> new PhoneOffset(localWallNanos, estimate.offsetNanos(),
                estimate.errorBoundNanos() + agedNanos(estimate, localWallNanos, maxDriftPpm), label);
    }

    /**
     * A Time Echo burst to the phone ({@code neon://} target), made at the first use and again
     * when the last one is older than {@code maxAgeNanos}; between bursts the bound grows by the
     * phones' largest plausible drift ({@value EchoEstimator#DEFAULT_MAX_DRIFT_PPM} ppm).
     */
    static OffsetSource timeEcho(Target target, TimeSource local, long timeoutNanos, long maxAgeNanos) {
        return timeEcho(target, local, timeoutNanos, target.protocol().defaultSamples(), maxAgeNanos);
    }

    /** {@link #timeEcho(Target, TimeSource, long, long)} with bursts of {@code samples} exchanges. */
    static OffsetSource timeEcho(Target target, TimeSource local, long timeoutNanos, int samples, long maxAgeNanos) {
        return new OffsetSource() {
            private OffsetEstimate last;

            @Override
            public synchronized PhoneOffset at(long localWallNanos) throws IOException {
                if (last == null || Math.abs(local.wallNanos() - last.localWallNanos()) > maxAgeNanos) {
                    last = new OffsetMeter(local, timeoutNanos).measure(target, samples, Progress.NONE);
                }
                return new PhoneOffset(localWallNanos, last.offsetNanos(), last.errorBoundNanos()
                        + agedNanos(last, localWallNanos, EchoEstimator.DEFAULT_MAX_DRIFT_PPM),
                        "time-echo burst (" + last.samples() + " exchanges)");
            }
        };
    }

    private static long agedNanos(OffsetEstimate e, long localWallNanos, double maxDriftPpm) {
        double distance = Math.abs((double) localWallNanos - e.localWallNanos());
        return (long) Math.ceil(distance * maxDriftPpm * 1e-6);
    }
}
