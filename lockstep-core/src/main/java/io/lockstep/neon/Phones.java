package io.lockstep.neon;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.lockstep.time.TimeSource;

/**
 * Several phones at one instant: one local instant marked on every phone, each in its own clock,
 * and recordings started or stopped together with one shared reference event, so recordings of
 * several participants align although the HTTP calls land milliseconds apart. Every phone is
 * handled in parallel and on its own: a failure on one is reported in its {@link Outcome} and
 * never stops the others. Stateless and thread-safe.
 */
public final class Phones {

    /** Name of the shared event marked right after {@code record start}. */
    public static final String RECORD_START_EVENT = "lockstep.record.start";
    /** Name of the shared event marked right before {@code record stop}. */
    public static final String RECORD_STOP_EVENT = "lockstep.record.stop";

    /**
     * What happened on one phone.
     *
     * @param target      the phone
     * @param offset      its offset at the shared instant, or null when none could be had
     * @param event       the shared event as the phone stored it, or null when it was not posted
     * @param recordingId the recording started or stopped, or null
     * @param error       the first failure, one line, or null when all went well
     */
    public record Outcome(String target, PhoneOffset offset, MarkedEvent event, String recordingId, String error) {
        /** True when nothing failed on this phone. */
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * A group action's result.
     *
     * @param localWallNanos the shared local instant of the event
     * @param eventName      the shared event's name
     * @param phones         one outcome per phone, in the order given
     */
    public record GroupResult(long localWallNanos, String eventName, List<Outcome> phones) {
        /** True when every phone succeeded. */
        public boolean ok() {
            return phones.stream().allMatch(Outcome::ok);
        }
    }

    private Phones() {
    }

    /**
     * Marks local instant {@code localWallNanos} as event {@code name} on every phone, each in its
     * own clock; a phone that reports no running recording is not posted to and its outcome says
     * {@value NotRecordingException#MESSAGE}.
     */
    public static GroupResult markAll(List<Neon> phones, String name, long localWallNanos) {
        return markAll(phones, name, localWallNanos, false);
    }

    /**
     * {@link #markAll(List, String, long)}; with {@code evenIfNotRecording} every phone is posted
     * to without asking whether it records.
     */
    public static GroupResult markAll(List<Neon> phones, String name, long localWallNanos, boolean evenIfNotRecording) {
        List<Outcome> outcomes = parallel(phones, phone -> {
            if (!evenIfNotRecording) {
                try {
                    phone.requireRecording();
                } catch (Exception e) {
                    return new Outcome(phone.target().text(), null, null, null, message(e));
                }
            }
            PhoneOffset offset;
            try {
                offset = phone.offsetAt(localWallNanos);
            } catch (Exception e) {
                return new Outcome(phone.target().text(), null, null, null, message(e));
            }
            try {
                MarkedEvent event = phone.post(name, offset);
                return new Outcome(phone.target().text(), offset, event, event.recordingId(), null);
            } catch (Exception e) {
                return new Outcome(phone.target().text(), offset, null, null, message(e));
            }
        });
        return new GroupResult(localWallNanos, name, outcomes);
    }

    /** How long {@link #startRecordings} waits for every phone to report its recording running. */
    public static final long RECORDING_CONFIRM_NANOS = 5_000_000_000L;

    /**
     * Starts every phone's recording, confirms that each reports it running (asking its status
     * for up to {@link #RECORDING_CONFIRM_NANOS}), then marks one shared local instant, taken
     * after the last confirmation (so it lies inside every recording), as
     * {@link #RECORD_START_EVENT} on the phones that confirmed. A phone that did not is not
     * marked and its outcome says so. Offsets are fetched first, so the starts land close together.
     */
    public static GroupResult startRecordings(List<Neon> phones, TimeSource local) {
        List<String> offsetErrors = prepare(phones, local);
        boolean[] recordingNow = new boolean[phones.size()];
        List<Outcome> started = parallel(phones, phone -> {
            int index = phones.indexOf(phone);
            String id;
            try {
                id = phone.startRecording();
            } catch (Exception e) {
                // Refused (already recording, say): the shared event still belongs in a recording that runs.
                try {
                    recordingNow[index] = phone.recording();
                } catch (Exception ignored) {
                    recordingNow[index] = false;
                }
                return new Outcome(phone.target().text(), null, null, null, message(e));
            }
            String unconfirmed = awaitRecording(phone);
            recordingNow[index] = unconfirmed == null;
            return new Outcome(phone.target().text(), null, null, id, unconfirmed);
        });
        long instant = local.wallNanos();
        List<Neon> confirmed = new ArrayList<>();
        for (int i = 0; i < phones.size(); i++) {
            if (recordingNow[i]) {
                confirmed.add(phones.get(i));
            }
        }
        GroupResult markedConfirmed = markAll(confirmed, RECORD_START_EVENT, instant, true);
        List<Outcome> marked = new ArrayList<>();
        for (int i = 0, k = 0; i < phones.size(); i++) {
            marked.add(recordingNow[i] ? markedConfirmed.phones().get(k++)
                    : new Outcome(phones.get(i).target().text(), null, null, null, "not marked"));
        }
        return new GroupResult(instant, RECORD_START_EVENT, merge(offsetErrors, started, marked, true));
    }

    /** Null once the phone reports its recording running; else why it did not within the wait. */
    private static String awaitRecording(Neon phone) {
        long deadline = System.nanoTime() + RECORDING_CONFIRM_NANOS;
        String last = null;
        while (true) {
            try {
                if (phone.recording()) {
                    return null;
                }
                last = null;
            } catch (Exception e) {
                last = message(e);
            }
            if (System.nanoTime() - deadline >= 0) {
                return "started, but did not report recording within " + RECORDING_CONFIRM_NANOS / 1_000_000_000L
                        + " s" + (last == null ? "" : " (" + last + ")") + ": the shared event was not marked on it";
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for it to report recording";
            }
        }
    }

    /**
     * Marks one shared local instant as {@link #RECORD_STOP_EVENT} on every phone that records,
     * then stops and saves every recording. The event comes first because the Companion app
     * keeps events only while it records.
     */
    public static GroupResult stopRecordings(List<Neon> phones, TimeSource local) {
        List<String> offsetErrors = prepare(phones, local);
        long instant = local.wallNanos();
        GroupResult marked = markAll(phones, RECORD_STOP_EVENT, instant);
        List<Outcome> stopped = parallel(phones, phone -> {
            try {
                return new Outcome(phone.target().text(), null, null, phone.stopRecording(), null);
            } catch (Exception e) {
                return new Outcome(phone.target().text(), null, null, null, message(e));
            }
        });
        return new GroupResult(instant, RECORD_STOP_EVENT, merge(offsetErrors, stopped, marked.phones(), false));
    }

    /** Fetches every phone's offset now (a Time Echo source measures here); the errors, null where none. */
    private static List<String> prepare(List<Neon> phones, TimeSource local) {
        List<Outcome> r = parallel(phones, phone -> {
            try {
                phone.offsetAt(local.wallNanos());
                return new Outcome(phone.target().text(), null, null, null, null);
            } catch (Exception e) {
                return new Outcome(phone.target().text(), null, null, null, message(e));
            }
        });
        return r.stream().map(Outcome::error).toList();
    }

    /** One outcome per phone from the recording step and the event step; the first error wins. */
    private static List<Outcome> merge(List<String> offsetErrors, List<Outcome> recording, List<Outcome> marked,
                                       boolean recordingFirst) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < recording.size(); i++) {
            Outcome r = recording.get(i);
            Outcome m = marked.get(i);
            String error = offsetErrors.get(i);
            if (error == null) {
                // Stopping a phone that is not recording: the app's own refusal says more than "would drop".
                boolean markSaysNotRecording = NotRecordingException.MESSAGE.equals(m.error()) && r.error() != null;
                error = recordingFirst || markSaysNotRecording ? (r.error() != null ? r.error() : m.error())
                        : (m.error() != null ? m.error() : r.error());
            }
            String id = r.recordingId() != null ? r.recordingId() : m.event() == null ? null : m.event().recordingId();
            out.add(new Outcome(r.target(), m.offset(), m.event(), id, error));
        }
        return out;
    }

    @FunctionalInterface
    private interface PerPhone {
        Outcome run(Neon phone);
    }

    private static List<Outcome> parallel(List<Neon> phones, PerPhone work) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(phones.size(), 32)), r -> {
            Thread t = new Thread(r, "lockstep-phones");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Neon phone : phones) {
                Callable<Outcome> c = () -> work.run(phone);
                futures.add(pool.submit(c));
            }
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < phones.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(new Outcome(phones.get(i).target().text(), null, null, null, message(e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(new Outcome(phones.get(i).target().text(), null, null, null, "interrupted"));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("[\\r\\n]+", " ");
    }
}
