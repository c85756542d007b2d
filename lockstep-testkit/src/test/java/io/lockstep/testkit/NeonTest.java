package io.lockstep.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lockstep.neon.EventEstimator;
import io.lockstep.neon.EventMethod;
import io.lockstep.neon.MarkedEvent;
import io.lockstep.neon.Neon;
import io.lockstep.neon.NotRecordingException;
import io.lockstep.neon.OffsetSource;
import io.lockstep.neon.Phones;
import io.lockstep.net.NeonClient;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.Target;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/** The Java API for Companion phones ({@code io.lockstep.neon}) against fake apps over real HTTP. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NeonTest {

    private static final TimeSource LOCAL = TimeSource.system();

    private static Neon timeEcho(FakeCompanion app) {
        Target t = Target.parse("neon://127.0.0.1:" + app.httpPort());
        return Neon.open(t, OffsetSource.timeEcho(t, LOCAL, 2_000_000_000L, 40, Neon.TIME_ECHO_MAX_AGE_NANOS), LOCAL,
                2_000_000_000L);
    }

    /** The phone's true reading at local instant {@code localNanos}. */
    private static long truePhoneNanos(SimulatedTimeSource phone, long localNanos) {
        return localNanos + phone.aheadAtReferenceWallNanos(localNanos);
    }

    @Test
    void anEventAtAGivenInstantLandsOnThePhoneClockWithinItsBound() throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, 1_234_567_891L, 18.0);
        try (FakeCompanion app = FakeCompanion.start(phone); Neon neon = timeEcho(app)) {
            long instant = LOCAL.wallNanos() - 1_500_000_000L;
            NotRecordingException idle = assertThrows(NotRecordingException.class, () -> neon.sendEvent("stimulus", instant));
            assertEquals("not recording: the app would drop this event", idle.getMessage());
            assertTrue(app.events().isEmpty(), "nothing was posted to a phone that would drop it");
            neon.startRecording();
            MarkedEvent e = neon.sendEvent("stimulus", instant);
            long truth = truePhoneNanos(phone, instant);
            assertTrue(Math.abs(e.phoneTimestampNanos() - truth) <= e.errorBoundNanos(),
                    "phone " + e.phoneTimestampNanos() + " truth " + truth + " bound " + e.errorBoundNanos());
            assertEquals(instant - e.offsetNanos(), e.phoneTimestampNanos());
            // Its size is a number for `bench neon` (well under 2 ms on an idle loopback); here only that a
            // burst picked a good exchange, with room for a busy machine's slow round trips.
            assertTrue(e.errorBoundNanos() < 20_000_000L, "a loopback Time Echo burst bounds to milliseconds: " + e);
            assertTrue(e.offsetSource().startsWith("time-echo burst"), e.offsetSource());
            FakeCompanion.ReceivedEvent received = app.events().get(0);
            assertEquals(e.phoneTimestampNanos(), received.timestampNanos());
            assertFalse(received.stampedByPhone());
        }
    }

    @Test
    void aTrackerFollowingThePhoneGivesTheOffset() throws Exception {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, 500_000_000L, 20.0);
        try (FakeCompanion app = FakeCompanion.start(phone);
             io.lockstep.track.Tracker tracker = io.lockstep.Lockstep.track("neon://127.0.0.1:" + app.httpPort(),
                     io.lockstep.track.TrackingOptions.defaults().withIntervalNanos(100_000_000L));
             Neon neon = Neon.connect(tracker)) {
            tracker.awaitSynced(java.time.Duration.ofSeconds(60));
            neon.startRecording();
            MarkedEvent e = neon.mark("onset").get(30, TimeUnit.SECONDS);
            assertTrue(e.offsetSource().startsWith("tracker neon://"), e.offsetSource());
            long truth = truePhoneNanos(phone, e.localWallNanos());
            assertTrue(Math.abs(e.phoneTimestampNanos() - truth) <= e.errorBoundNanos(), e + " truth " + truth);
        }
    }

    @Test
    void markNeverBlocksTakesTheInstantAtTheCallAndReportsFailuresThroughTheFuture() throws Exception {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, -80_000_000L, 0);
        try (FakeCompanion app = FakeCompanion.start(phone); Neon neon = timeEcho(app)) {
            neon.startRecording();
            List<CompletableFuture<MarkedEvent>> marks = new ArrayList<>();
            List<Long> calledAt = new ArrayList<>();
            List<Long> returnedAt = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long before = LOCAL.wallNanos();
                marks.add(neon.mark("frame " + i));
                returnedAt.add(LOCAL.wallNanos());
                calledAt.add(before);
            }
            for (int i = 0; i < 5; i++) {
                MarkedEvent e = marks.get(i).get(30, TimeUnit.SECONDS);
                // The instant is the call's, not the send's (which waited for a Time Echo burst): it lies
                // between the clock readings just before and just after mark(), however long a busy
                // machine stalled the call.
                assertTrue(e.localWallNanos() >= calledAt.get(i) && e.localWallNanos() <= returnedAt.get(i),
                        "instant " + e.localWallNanos() + " call " + calledAt.get(i) + " returned " + returnedAt.get(i));
                long truth = truePhoneNanos(phone, e.localWallNanos());
                assertTrue(Math.abs(e.phoneTimestampNanos() - truth) <= e.errorBoundNanos(), e.toString());
            }
            assertEquals(List.of("frame 0", "frame 1", "frame 2", "frame 3", "frame 4"),
                    app.events().stream().map(FakeCompanion.ReceivedEvent::name).toList());
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Target nowhere = Target.parse("neon://127.0.0.1:" + closedPort);
        try (Neon gone = Neon.open(nowhere, OffsetSource.timeEcho(nowhere, LOCAL, 500_000_000L, 10, 1L), LOCAL,
                500_000_000L)) {
            CompletableFuture<MarkedEvent> f = gone.mark("lost");
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException && e.getCause().getMessage().contains("cannot connect"),
                    String.valueOf(e.getCause()));
        }
    }

    @Test
    void aMarkRacingCloseStillCompletesItsFuture() throws Exception {
        Target t = Target.parse("neon://127.0.0.1:9");
        OffsetSource none = localWallNanos -> {
            throw new IOException("no offset in this test");
        };
        int stuck = 0;
        for (int i = 0; i < 3000; i++) {
            Neon phone = Neon.open(t, none, LOCAL, 1_000_000_000L);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            CompletableFuture<CompletableFuture<MarkedEvent>> marked = CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return phone.mark("race");
            });
            start.await();
            phone.close();
            CompletableFuture<MarkedEvent> f = marked.get(10, TimeUnit.SECONDS);
            try {
                f.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // closed, or no offset: either way the caller hears about it
            } catch (java.util.concurrent.TimeoutException e) {
                stuck++;
            }
            if (stuck > 0) {
                break;
            }
        }
        assertEquals(0, stuck, "a mark racing close() left its future incomplete forever");
    }

    @Test
    void theEventMethodBoundsTheOffsetAndRefusesWhileRecordingUnlessAllowed() throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, 3_000_000_000L + 456_789L, -12.0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            NeonClient client = new NeonClient("127.0.0.1", app.httpPort(), 2_000_000_000L);
            EventEstimator.Result r = EventMethod.measure(client, "neon://x", LOCAL, 30, false, 100);
            OffsetEstimate e = r.estimate();
            long truth = -phone.aheadAtReferenceWallNanos(e.localWallNanos());
            assertTrue(e.contains(truth), e + " truth " + truth);
            assertEquals(30, e.samples());
            assertEquals(truth, r.seedOffsetNanos(), 10_000_000L, "the seed is near, without a bound");
            assertEquals(31, app.events().size(), "one warm-up event and 30 measured");
            assertTrue(app.events().stream().allMatch(ev -> ev.name().equals(EventMethod.SYNC_EVENT_NAME)
                    && ev.stampedByPhone()));

            client.startRecording();
            EventMethod.RecordingRunningException refused = assertThrows(EventMethod.RecordingRunningException.class,
                    () -> EventMethod.measure(client, "neon://x", LOCAL, 5, false, 100));
            assertTrue(refused.getMessage().contains("--allow-during-recording"), refused.getMessage());
            assertEquals(31, app.events().size(), "nothing was posted into the recording");
            OffsetEstimate during = EventMethod.measure(client, "neon://x", LOCAL, 5, true, 100).estimate();
            assertTrue(during.contains(-phone.aheadAtReferenceWallNanos(during.localWallNanos())), during.toString());
        }
    }

    @Test
    void threePhonesRecordTogetherAndTheirSharedEventMapsBackToOneInstant() throws IOException {
        long[] offsets = {-35_000_000L, 12_345_678L, 2_500_000_000L};
        double[] drifts = {15, -7, 21};
        List<SimulatedTimeSource> clocks = new ArrayList<>();
        List<FakeCompanion> apps = new ArrayList<>();
        List<Neon> phones = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SimulatedTimeSource c = new SimulatedTimeSource(LOCAL, offsets[i], drifts[i]);
                clocks.add(c);
                FakeCompanion app = FakeCompanion.builder(c).seed(i).start();
                apps.add(app);
                phones.add(timeEcho(app));
            }
            Phones.GroupResult started = Phones.startRecordings(phones, LOCAL);
            assertTrue(started.ok(), started.toString());
            for (int i = 0; i < 3; i++) {
                Phones.Outcome o = started.phones().get(i);
                FakeCompanion app = apps.get(i);
                assertTrue(app.recording());
                assertEquals(app.recordingId(), o.recordingId());
                FakeCompanion.ReceivedEvent shared = app.events().get(app.events().size() - 1);
                assertEquals(Phones.RECORD_START_EVENT, shared.name());
                assertEquals(app.recordingId(), shared.recordingId(), "the shared event is inside the recording");
                // Back to the reference (local) clock with the phone's true offset: the same instant.
                long mappedBack = shared.timestampNanos() - clocks.get(i).aheadAtReferenceWallNanos(started.localWallNanos());
                assertTrue(Math.abs(mappedBack - started.localWallNanos()) <= o.event().errorBoundNanos(),
                        "phone " + i + ": " + (mappedBack - started.localWallNanos()) + " ns off, bound "
                                + o.event().errorBoundNanos());
            }
            Phones.GroupResult again = Phones.startRecordings(phones, LOCAL);
            assertFalse(again.ok());
            assertTrue(again.phones().stream().allMatch(o -> o.error().contains("Recording already running (HTTP 500)")),
                    again.toString());
            Phones.GroupResult stopped = Phones.stopRecordings(phones, LOCAL);
            assertTrue(stopped.ok(), stopped.toString());
            for (FakeCompanion app : apps) {
                assertFalse(app.recording());
                FakeCompanion.ReceivedEvent last = app.events().get(app.events().size() - 1);
                assertEquals(Phones.RECORD_STOP_EVENT, last.name());
                assertEquals(app.recordingId(), last.recordingId(), "the stop event is still inside the recording");
            }
        } finally {
            phones.forEach(Neon::close);
            for (FakeCompanion app : apps) {
                app.close();
            }
        }
    }

    @Test
    void aFailureOnOnePhoneIsReportedAndTheOthersStillGetTheEvent() throws IOException {
        try (FakeCompanion good = FakeCompanion.start(LOCAL);
             FakeCompanion busy = FakeCompanion.builder(LOCAL).failWith(503, "Service unavailable").start();
             FakeCompanion old = FakeCompanion.startTooOld();
             Neon a = timeEcho(good); Neon b = timeEcho(busy); Neon c = timeEcho(old)) {
            long instant = LOCAL.wallNanos();
            Phones.GroupResult idle = Phones.markAll(List.of(a), "onset", instant);
            assertEquals("not recording: the app would drop this event", idle.phones().get(0).error());
            assertEquals(0, good.events().size());
            // Posted regardless of recording: each phone's own refusal is what is reported.
            Phones.GroupResult r = Phones.markAll(List.of(a, b, c), "onset", instant, true);
            assertFalse(r.ok());
            assertTrue(r.phones().get(0).ok(), r.toString());
            assertNotNull(r.phones().get(0).event());
            assertEquals("Companion app at 127.0.0.1:" + busy.httpPort() + " refused event: Service unavailable (HTTP 503)",
                    r.phones().get(1).error());
            assertTrue(r.phones().get(2).error().startsWith("Companion app too old"), r.phones().get(2).error());
            assertEquals(1, good.events().size());
        }
    }
}
