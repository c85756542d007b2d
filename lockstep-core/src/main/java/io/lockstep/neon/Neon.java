package io.lockstep.neon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import io.lockstep.net.NeonClient;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;
import io.lockstep.track.Tracker;

/**
 * One Pupil Labs Companion phone (Neon, Pupil Invisible) seen from the stimulus PC: events
 * stamped where they happened, in the phone's clock, and its recordings. An event's local
 * instant is converted with the phone's offset from an {@link OffsetSource} (a running tracker,
 * an offset log, or a Time Echo burst): {@code phone = local − offset}. Thread-safe.
 *
 * <p>For a stimulus program, {@link #mark(String)} is the one call per onset: it reads the
 * local clock at the call, queues the event (bounded, {@link #QUEUE_CAPACITY}) and returns a
 * future at once; one background thread converts and posts the events in order. It never blocks
 * and never throws into the frame loop: a full queue, an unreachable phone or a refusal
 * completes the future exceptionally. Every event is posted only after the phone reported a
 * running recording ({@link NotRecordingException} otherwise), since the app silently drops
 * events outside one; {@link #sendEvent(String, long, boolean)} can skip that check.
 *
 * <pre>{@code
 * try (Neon phone = Neon.connect("neon://192.168.1.20")) {
 *     // in the frame loop, at the onset:
 *     phone.mark("stimulus.onset").whenComplete((e, failure) -> { if (failure != null) log(failure); });
 * }
 * }</pre>
 */
public final class Neon implements AutoCloseable {

    /** Events waiting to be sent at most; {@link #mark} beyond that fails its future at once. */
    public static final int QUEUE_CAPACITY = 1024;

    /** Default timeout of one HTTP request to the phone. */
    public static final long DEFAULT_TIMEOUT_NANOS = 2_000_000_000L;

    /** A Time Echo offset older than this is measured again before the next event (5 minutes). */
    public static final long TIME_ECHO_MAX_AGE_NANOS = 300_000_000_000L;

    private record Pending(String name, long localWallNanos, CompletableFuture<MarkedEvent> result) {
    }

    private final Target target;
    private final NeonClient client;
    private final OffsetSource offsets;
    private final TimeSource local;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private Thread sender;
    private volatile boolean closed;

    private Neon(Target target, OffsetSource offsets, TimeSource local, long timeoutNanos) {
        if (!"neon".equals(target.scheme())) {
            throw new IllegalArgumentException("not a Companion app: " + target + " (write neon://HOST[:PORT])");
        }
        this.target = target;
        this.client = NeonClient.of(target, timeoutNanos);
        this.offsets = offsets;
        this.local = local;
    }

    /** A phone whose offset comes from a Time Echo burst at first use (and every 5 minutes). */
    public static Neon connect(String target) {
        Target t = Target.parse(target);
        return open(t, OffsetSource.timeEcho(t, TimeSource.system(), DEFAULT_TIMEOUT_NANOS, TIME_ECHO_MAX_AGE_NANOS),
                TimeSource.system(), DEFAULT_TIMEOUT_NANOS);
    }

    /** A phone whose offset comes from a tracker already following it. */
    public static Neon connect(Tracker tracker) {
        return open(tracker.target(), OffsetSource.of(tracker), tracker.options().local(), DEFAULT_TIMEOUT_NANOS);
    }

    /** A phone with the given offset source and local clock. */
    public static Neon open(Target target, OffsetSource offsets, TimeSource local, long timeoutNanos) {
        return new Neon(target, offsets, local, timeoutNanos);
    }

    /** The phone. */
    public Target target() {
        return target;
    }

    /** The phone's HTTP API. */
    public NeonClient client() {
        return client;
    }

    /** The offset source in use. */
    public OffsetSource offsets() {
        return offsets;
    }

    /** The phone's offset at a local instant (measuring first if the source needs to). */
    public PhoneOffset offsetAt(long localWallNanos) throws IOException {
        return offsets.at(localWallNanos);
    }

    /**
     * Posts event {@code name} marking local wall instant {@code localWallNanos}, converted into
     * the phone's clock, after checking that the phone records (the app drops events outside a
     * recording). Blocks until the phone answered.
     *
     * @throws NotRecordingException when the phone reports no running recording; nothing was posted
     * @throws IOException           with a one-line message when no offset is available or the phone
     *                               cannot be reached or refuses the event
     */
    public MarkedEvent sendEvent(String name, long localWallNanos) throws IOException {
        return sendEvent(name, localWallNanos, false);
    }

    /**
     * {@link #sendEvent(String, long)}, or with {@code evenIfNotRecording} posting without asking
     * the phone whether it records (the app then drops the event unless it does).
     */
    public MarkedEvent sendEvent(String name, long localWallNanos, boolean evenIfNotRecording) throws IOException {
        if (!evenIfNotRecording) {
            requireRecording();
        }
        return post(name, offsets.at(localWallNanos));
    }

    /**
     * Asks the phone whether it records.
     *
     * @throws NotRecordingException when it reports no running recording
     */
    public void requireRecording() throws IOException {
        if (!recording()) {
            throw new NotRecordingException();
        }
    }

    /** The phone's health and recording state, from {@code GET /api/status}. */
    public PhoneStatus status() throws IOException {
        return PhoneStatus.parse(client.statusBody(), "http://" + client.authority() + "/api/status");
    }

    /** Posts event {@code name} marking now, if the phone records; blocks until the phone answered. */
    public MarkedEvent sendEvent(String name) throws IOException {
        return sendEvent(name, local.wallNanos());
    }

    /** Posts event {@code name} at the instant {@code offset} applies to, converted with it. */
    public MarkedEvent post(String name, PhoneOffset offset) throws IOException {
        NeonClient.PhoneEvent answered = client.postEvent(name, offset.phoneNanos());
        return new MarkedEvent(target.text(), name, offset.localWallNanos(), answered.timestampNanos(),
                offset.errorBoundNanos(), offset.offsetNanos(), offset.source(), answered.recordingId());
    }

    /**
     * Marks now without blocking: the local clock is read here, the event sent off-thread. The
     * future completes with the phone's answer, or exceptionally (queue full, phone unreachable,
     * refusal, closed); this method itself never throws.
     */
    public CompletableFuture<MarkedEvent> mark(String name) {
        return mark(name, local.wallNanos());
    }

    /** {@link #mark(String)} for a local instant the caller took. */
    public CompletableFuture<MarkedEvent> mark(String name, long localWallNanos) {
        CompletableFuture<MarkedEvent> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("connection to " + target + " is closed"));
            return result;
        }
        if (!queue.offer(new Pending(name, localWallNanos, result))) {
            result.completeExceptionally(new RejectedExecutionException("event queue to " + target + " is full ("
                    + QUEUE_CAPACITY + " events waiting): the phone is not keeping up"));
            return result;
        }
        ensureSender();
        return result;
    }

    private synchronized void ensureSender() {
        if (closed) {
            // close() (and the sender's last drain) may have run between mark's check of
            // closed and its offer; nobody else would ever complete what it queued.
            failQueued();
            return;
        }
        if (sender != null) {
            return;
        }
        Thread t = new Thread(this::sendQueued, "lockstep-neon-events " + target);
        t.setDaemon(true);
        sender = t;
        t.start();
    }

    private void sendQueued() {
        while (!(closed && queue.isEmpty())) {
            Pending p;
            try {
                p = queue.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (p == null) {
                continue;
            }
            try {
                p.result().complete(sendEvent(p.name(), p.localWallNanos()));
            } catch (IOException | RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
        failQueued();
    }

    private void failQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        for (Pending p : left) {
            p.result().completeExceptionally(new IllegalStateException("connection to " + target
                    + " closed before the event was sent"));
        }
    }

    /** Starts a recording; returns its id. */
    public String startRecording() throws IOException {
        return client.startRecording();
    }

    /** Stops and saves the running recording; returns its id. */
    public String stopRecording() throws IOException {
        return client.stopAndSaveRecording();
    }

    /** Cancels (discards) the running recording; returns its id. */
    public String cancelRecording() throws IOException {
        return client.cancelRecording();
    }

    /** True while the phone records. */
    public boolean recording() throws IOException {
        return client.status().recording();
    }

    /** Measures the phone with the event method; see {@link EventMethod}. */
    public EventEstimator.Result measureByEvents(int events, boolean allowDuringRecording) throws IOException {
        return EventMethod.measure(client, target.text(), local, events, allowDuringRecording,
                io.lockstep.internal.estimate.EchoEstimator.DEFAULT_MAX_DRIFT_PPM);
    }

    /**
     * Sends the events already queued (waiting up to {@value #CLOSE_WAIT_MILLIS} ms), then stops
     * the sending thread; events still queued after that fail.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = sender;
        }
        if (t != null) {
            try {
                t.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.interrupt();
        }
        failQueued();
    }

    /** How long {@link #close()} waits for queued events to be sent. */
    public static final long CLOSE_WAIT_MILLIS = 10_000L;
}
