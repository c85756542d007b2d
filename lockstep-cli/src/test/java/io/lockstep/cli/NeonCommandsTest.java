package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.neon.EventMethod;
import io.lockstep.neon.Phones;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/** {@code event}, {@code record}, {@code offset --method event} and {@code serve --companion-port} against fake apps. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NeonCommandsTest {

    private static final TimeSource LOCAL = TimeSource.system();

    private static MainTest.Result run(String... args) {
        return MainTest.run(args);
    }

    private static String neon(FakeCompanion app) {
        return "neon://127.0.0.1:" + app.httpPort();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(MainTest.Result r) {
        return (Map<String, Object>) TestJson.parse(r.out().trim());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> phones(Map<String, Object> m) {
        return (List<Map<String, Object>>) m.get("phones");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void eventAtAnInstantLandsOnThePhoneClockWithinTheStatedBound() throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, -2_345_678_901L, 12.0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            long at = LOCAL.wallNanos() - 3_000_000_000L;
            MainTest.Result r = run("event", neon(app), "stim.onset", "--at", Long.toString(at), "--json", "--samples", "40",
                    "--even-if-not-recording");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> m = json(r);
            assertEquals(at, m.get("local_wall_ns"));
            assertEquals("event", m.get("method"));
            Map<String, Object> p = phones(m).get(0);
            long ts = (Long) p.get("phone_timestamp_ns");
            long bound = (Long) p.get("error_bound_ns");
            long truth = at + phone.aheadAtReferenceWallNanos(at);
            assertTrue(Math.abs(ts - truth) <= bound, "phone " + ts + " truth " + truth + " bound " + bound);
            assertEquals(ts, app.events().get(0).timestampNanos());
            assertTrue(((String) p.get("offset_source")).startsWith("time-echo burst"), p.toString());

            MainTest.Result human = run("event", neon(app), "second", "--at", "-1.5s", "--samples", "20",
                    "--even-if-not-recording");
            assertEquals(0, human.code(), human.err());
            assertTrue(human.out().contains(neon(app) + "  phone ") && human.out().contains(" ± ")
                    && human.out().contains("from time-echo burst") && human.out().contains("no recording running"),
                    human.out());
            MainTest.Result iso = run("event", neon(app), "third", "--at", "2026-11-30T10:15:30.25+01:00", "--json",
                    "--samples", "20", "--even-if-not-recording");
            assertEquals(1_796_030_130_250_000_000L, json(iso).get("local_wall_ns"));
        }
    }

    @Test
    void eventTakesTheOffsetFromATrackersLog(@TempDir Path dir) throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, 77_000_000L, 0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            Path log = dir.resolve("phone.csv");
            MainTest.Result tracked = run("track", neon(app), "--interval", "200ms", "--count", "15", "--log",
                    log.toString());
            assertEquals(0, tracked.code(), tracked.err());
            long at = LOCAL.wallNanos();
            MainTest.Result r = run("event", neon(app), "from.log", "--log", log.toString(), "--at", Long.toString(at),
                    "--json", "--even-if-not-recording");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> p = phones(json(r)).get(0);
            assertTrue(((String) p.get("offset_source")).startsWith("log " + log), p.toString());
            long truth = at + phone.aheadAtReferenceWallNanos(at);
            long ts = (Long) p.get("phone_timestamp_ns");
            assertTrue(Math.abs(ts - truth) <= (Long) p.get("error_bound_ns"), p + " truth " + truth);
        }
    }

    @Test
    void pastTheEndOfADriftingPhonesLogTheBoundStillHoldsTheTruth(@TempDir Path dir) throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, -310_000_000L, 21.0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            Path log = dir.resolve("phone.csv");
            MainTest.Result tracked = run("track", neon(app), "--interval", "200ms", "--count", "20", "--log",
                    log.toString());
            assertEquals(0, tracked.code(), tracked.err());
            for (String at : List.of("+0s", "+1s", "+5s", "+30s", "-2s")) {
                MainTest.Result r = run("event", neon(app), "past.log", "--log", log.toString(), "--at", at, "--json",
                        "--even-if-not-recording");
                assertEquals(0, r.code(), r.err());
                Map<String, Object> m = json(r);
                long instant = (Long) m.get("local_wall_ns");
                Map<String, Object> p = phones(m).get(0);
                long truth = instant + phone.aheadAtReferenceWallNanos(instant);
                long ts = (Long) p.get("phone_timestamp_ns");
                assertTrue(Math.abs(ts - truth) <= (Long) p.get("error_bound_ns"), at + ": " + p + " truth " + truth);
            }
        }
    }

    @Test
    void aMissingOrMalformedOffsetLogIsBadInput(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("no-such-log.csv");
        MainTest.Result r = run("event", "neon://127.0.0.1:9", "x", "--log", missing.toString());
        MainTest.assertOneLineError(r, "no such offset log: " + missing);
        assertEquals(2, r.code());
        MainTest.Result rec = run("record", "start", "neon://127.0.0.1:9", "--log", missing.toString());
        MainTest.assertOneLineError(rec, "no such offset log");
        assertEquals(2, rec.code());

        Path notALog = dir.resolve("events.csv");
        java.nio.file.Files.writeString(notALog, "recording id,timestamp [ns],name\nr,1,x\n");
        MainTest.Result bad = run("event", "neon://127.0.0.1:9", "x", "--log", notALog.toString());
        MainTest.assertOneLineError(bad, "is not a Lockstep offset log");
        assertEquals(2, bad.code());
        MainTest.Result folder = run("event", "neon://127.0.0.1:9", "x", "--log", dir.toString());
        MainTest.assertOneLineError(folder, "is a directory");
        assertEquals(2, folder.code());
    }

    @Test
    void stoppingAPhoneThatIsNotRecordingSaysSoWithoutANullId() throws IOException {
        try (FakeCompanion app = FakeCompanion.start(new SimulatedTimeSource(LOCAL, 5_000_000L, 0))) {
            MainTest.Result r = run("record", "stop", neon(app), "--samples", "10");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("Recording not running (HTTP 500)"), r.err());
            assertFalse(r.out().contains("null"), r.out());
            assertTrue(r.out().contains("no recording"), r.out());
        }
    }

    @Test
    void severalPhonesGetOneInstantAndAFailureIsReportedNotHidden() throws IOException {
        SimulatedTimeSource a = new SimulatedTimeSource(LOCAL, 10_000_000L, 0);
        SimulatedTimeSource b = new SimulatedTimeSource(LOCAL, -600_000_000L, 0);
        try (FakeCompanion appA = FakeCompanion.start(a); FakeCompanion appB = FakeCompanion.start(b)) {
            String dead = "neon://127.0.0.1:" + closedPort();
            MainTest.Result r = run("event", neon(appA), dead, neon(appB), "onset", "--json", "--samples", "20",
                    "--even-if-not-recording");
            assertEquals(1, r.code());
            Map<String, Object> m = json(r);
            long instant = (Long) m.get("local_wall_ns");
            assertEquals(1L, m.get("failures"));
            List<Map<String, Object>> p = phones(m);
            assertEquals(List.of(true, false, true), p.stream().map(x -> x.get("ok")).toList());
            long tsA = (Long) p.get(0).get("phone_timestamp_ns");
            long tsB = (Long) p.get(2).get("phone_timestamp_ns");
            assertTrue(Math.abs(tsA - (instant + a.aheadAtReferenceWallNanos(instant))) <= (Long) p.get(0).get("error_bound_ns"));
            assertTrue(Math.abs(tsB - (instant + b.aheadAtReferenceWallNanos(instant))) <= (Long) p.get(2).get("error_bound_ns"));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("lockstep: " + dead + ": cannot connect"), r.err());
        }
    }

    @Test
    void recordStartsThreePhonesWithOneSharedEventAndReportsEachPhone() throws IOException {
        long[] offsets = {250_000_000L, -1_000_000_000L, 3_333_333L};
        List<SimulatedTimeSource> clocks = new ArrayList<>();
        List<FakeCompanion> apps = new ArrayList<>();
        try {
            List<String> args = new ArrayList<>(List.of("record", "start"));
            for (long offset : offsets) {
                SimulatedTimeSource c = new SimulatedTimeSource(LOCAL, offset, 20);
                clocks.add(c);
                FakeCompanion app = FakeCompanion.start(c);
                apps.add(app);
                args.add(neon(app));
            }
            args.addAll(List.of("--samples", "40", "--json"));
            MainTest.Result r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            Map<String, Object> m = json(r);
            assertEquals(Phones.RECORD_START_EVENT, m.get("event"));
            long instant = (Long) m.get("local_wall_ns");
            for (int i = 0; i < 3; i++) {
                Map<String, Object> p = phones(m).get(i);
                FakeCompanion app = apps.get(i);
                assertEquals(app.recordingId(), p.get("recording_id"));
                FakeCompanion.ReceivedEvent shared = app.events().get(app.events().size() - 1);
                assertEquals(Phones.RECORD_START_EVENT, shared.name());
                long mappedBack = shared.timestampNanos() - clocks.get(i).aheadAtReferenceWallNanos(instant);
                assertTrue(Math.abs(mappedBack - instant) <= (Long) p.get("error_bound_ns"), p.toString());
                assertTrue(p.containsKey("offset_ns"));
            }
            args.remove("--json");
            MainTest.Result again = run(args.toArray(String[]::new));
            assertEquals(1, again.code());
            assertEquals(3, again.err().lines().count(), again.err());
            assertTrue(again.err().lines().allMatch(l -> l.startsWith("lockstep: neon://")
                    && l.endsWith("refused recording:start: Recording already running (HTTP 500)")), again.err());
            assertTrue(again.out().contains("FAILED"), again.out());

            args.set(1, "stop");
            MainTest.Result stop = run(args.toArray(String[]::new));
            assertEquals(0, stop.code(), stop.err());
            assertTrue(apps.stream().noneMatch(FakeCompanion::recording));
            MainTest.Result stopAgain = run(args.toArray(String[]::new));
            assertEquals(1, stopAgain.code());
            assertTrue(stopAgain.err().contains("Recording not running (HTTP 500)"), stopAgain.err());
        } finally {
            for (FakeCompanion app : apps) {
                app.close();
            }
        }
    }

    @Test
    void offsetByEventsBoundsTheTruthAndRefusesWhileRecording() throws IOException {
        SimulatedTimeSource phone = new SimulatedTimeSource(LOCAL, 42_500_000L, 0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            MainTest.Result r = run("offset", neon(app), "--method", "event", "--samples", "30", "--json");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> m = json(r);
            long offset = (Long) m.get("offset_ns");
            long bound = (Long) m.get("error_bound_ns");
            long truth = -phone.aheadAtReferenceWallNanos((Long) m.get("local_wall_ns"));
            assertTrue(Math.abs(offset - truth) <= bound, m.toString());
            assertEquals("event", m.get("measured_by"));
            assertTrue(m.containsKey("seed_offset_ns"));
            assertEquals(1_000_000L, m.get("stamp_resolution_ns"));
            assertEquals(30L, m.get("samples"));
            assertTrue(app.events().stream().allMatch(e -> e.name().equals(EventMethod.SYNC_EVENT_NAME)));

            MainTest.Result human = run("offset", neon(app), "--method", "event", "--samples", "10");
            assertTrue(human.out().contains("seed") && human.out().contains("median of local midpoint"), human.out());

            assertEquals(0, run("record", "start", neon(app), "--samples", "10").code());
            int before = app.events().size();
            MainTest.Result refused = run("offset", neon(app), "--method", "event");
            MainTest.assertOneLineError(refused, "is recording");
            assertEquals(1, refused.code());
            assertEquals(before, app.events().size());
            assertEquals(0, run("offset", neon(app), "--method", "event", "--samples", "5",
                    "--allow-during-recording").code());
        }
    }

    @Test
    void anEventToAPhoneThatIsNotRecordingIsRefusedWithOneLineUnlessAskedFor() throws IOException {
        try (FakeCompanion idle = FakeCompanion.start(new SimulatedTimeSource(LOCAL, 3_000_000L, 0));
             FakeCompanion busy = FakeCompanion.start(new SimulatedTimeSource(LOCAL, -3_000_000L, 0))) {
            assertEquals(0, run("record", "start", neon(busy), "--samples", "10").code());
            MainTest.Result r = run("event", neon(idle), neon(busy), "onset", "--samples", "10");
            assertEquals(1, r.code(), r.out() + r.err());
            assertEquals(List.of("lockstep: " + neon(idle) + ": not recording: the app would drop this event"),
                    r.err().lines().toList());
            assertTrue(idle.events().isEmpty(), "nothing was posted to the phone that would drop it");
            assertEquals(1, busy.events().stream().filter(e -> e.name().equals("onset")).count(),
                    "the recording phone still got the event");
            MainTest.Result forced = run("event", neon(idle), "onset", "--samples", "10", "--even-if-not-recording");
            assertEquals(0, forced.code(), forced.err());
            assertEquals(1, idle.events().size());
        }
    }

    @Test
    void recordStartSaysWhichPhoneDidNotReportRecordingAndMarksOnlyTheOthers() throws IOException {
        try (FakeCompanion good = FakeCompanion.start(new SimulatedTimeSource(LOCAL, 3_000_000L, 0));
             StuckPhone stuck = new StuckPhone()) {
            MainTest.Result r = run("record", "start", neon(good), stuck.target(), "--samples", "10");
            assertEquals(1, r.code(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("lockstep: " + stuck.target() + ": started, but did not report recording"),
                    r.err());
            assertTrue(stuck.events().isEmpty(), "no shared event on a phone that does not report recording");
            assertEquals(Phones.RECORD_START_EVENT, good.events().get(0).name());
        }
    }

    @Test
    void everyErrorIsOneLineWithANonZeroExit() throws IOException {
        String dead = "neon://127.0.0.1:" + closedPort();
        MainTest.Result unreachable = run("event", dead, "x");
        MainTest.assertOneLineError(unreachable, "cannot connect to the Companion");
        assertEquals(1, unreachable.code());
        MainTest.assertOneLineError(run("record", "start", dead), "cannot connect to the Companion");
        MainTest.assertOneLineError(run("offset", dead, "--method", "event"), "cannot connect to the Companion app");

        try (FakeCompanion old = FakeCompanion.startTooOld();
             FakeCompanion broken = FakeCompanion.builder(LOCAL).failWith(500, "Internal error: camera not connected")
                     .start();
             FakeCompanion teapot = FakeCompanion.builder(LOCAL).failWith(418, "I'm a teapot").start()) {
            MainTest.Result tooOld = run("event", neon(old), "x", "--even-if-not-recording");
            MainTest.assertOneLineError(tooOld, "Companion app too old");
            assertEquals(1, tooOld.code());
            MainTest.Result serverError = run("event", neon(broken), "x", "--samples", "10", "--even-if-not-recording");
            MainTest.assertOneLineError(serverError, "refused event: Internal error: camera not connected (HTTP 500)");
            assertEquals(1, serverError.code());
            MainTest.assertOneLineError(run("record", "start", neon(teapot), "--samples", "10"),
                    "refused recording:start: I'm a teapot (HTTP 418)");
            MainTest.assertOneLineError(run("offset", neon(teapot), "--method", "event"),
                    "refused event: I'm a teapot (HTTP 418)");
        }

        MainTest.Result notNeon = run("event", "echo://127.0.0.1:9", "x");
        MainTest.assertOneLineError(notNeon, "is not a Companion app");
        assertEquals(2, notNeon.code());
        assertEquals(2, run("event", "neon://127.0.0.1", "x", "--at", "yesterday").code());
        MainTest.assertOneLineError(run("event", "neon://127.0.0.1", "x", "--at", "1796036820"), "Unix nanoseconds");
        assertEquals(2, run("event", "neon://127.0.0.1", "neon://127.0.0.2").code());
        assertEquals(2, run("record", "pause", "neon://127.0.0.1").code());
        assertEquals(2, run("offset", "echo://127.0.0.1:9", "--method", "event").code());
        assertEquals(2, run("offset", "neon://127.0.0.1", "--method", "smoke").code());
        assertEquals(2, run("event", "neon://127.0.0.1", "neon://127.0.0.2", "x", "--log", "one.csv").code());
    }

    @Test
    void eventWithoutTargetsOrNameSaysWhatIsMissing() {
        // picocli's own words were "positional parameter at index 0..* (TARGET... NAME) requires at least 2 values".
        MainTest.Result none = run("event");
        assertEquals(2, none.code());
        MainTest.assertOneLineError(none, "Missing required parameter: 'TARGET... NAME'");
        MainTest.Result noName = run("event", "neon://127.0.0.1");
        assertEquals(2, noName.code());
        MainTest.assertOneLineError(noName, "the event's NAME is missing after the targets");
    }

    @Test
    void serveRunsAFakeCompanionAndPrintsEachEvent() throws Exception {
        // No --duration: the fake companion serves until the test is done with it.
        try (ServingCommand serve = ServingCommand.start("serve-companion-under-test", "serve", "--companion-port", "0",
                "--simulate-offset", "1.5s")) {
            Matcher m = serve.await(Pattern.compile("(?m)^neon 127\\.0\\.0\\.1:(\\d+)$"));
            String target = "neon://127.0.0.1:" + m.group(1);
            MainTest.Result r = run("event", target, "rehearsal", "--json", "--samples", "20", "--even-if-not-recording");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> phone = phones(json(r)).get(0);
            long ts = (Long) phone.get("phone_timestamp_ns");
            long local = (Long) json(r).get("local_wall_ns");
            // The simulated offset is the truth: it must lie within the bound the event states.
            assertEquals(1_500_000_000L, ts - local, (Long) phone.get("error_bound_ns"), phone.toString());
            // The companion prints the event line after it has answered, so wait for it rather than race it.
            serve.await(Pattern.compile("(?m)^event rehearsal " + ts + "$"));
            MainTest.Result offset = run("offset", target, "--json");
            assertEquals(-1_500_000_000L, (Long) json(offset).get("offset_ns"), (Long) json(offset).get("error_bound_ns"),
                    offset.out());
            assertFalse(serve.err().contains("Exception"), serve.err());
        }
    }

    @Test
    void benchNeonComparesBothMethodsAndGivesAVerdict() {
        MainTest.Result r = run("bench", "neon", "--bursts", "2", "--samples", "5", "--delay", "1ms", "--jitter", "0s",
                "--loss", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| Time Echo: Lockstep (interval intersection)") && r.out().contains(
                "| Events: Lockstep (interval intersection)") && r.out().contains("median of midpoints"), r.out());
        // Causality bounds: the truth lies within them in every burst, however loaded the machine.
        assertEquals(2, r.out().lines().filter(l -> l.contains("(interval intersection)") && l.contains("| 2/2 "))
                .count(), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("verdict: ")), r.out());
        // --offset is how far the phone reads ahead, like serve --simulate-offset; the heading
        // gives Lockstep's offset (local − phone) with its sign so the two cannot be confused.
        MainTest.Result ahead = run("bench", "neon", "--bursts", "1", "--samples", "3", "--delay", "1ms", "--jitter",
                "0s", "--loss", "0", "--offset", "250ms");
        assertEquals(0, ahead.code(), ahead.err());
        assertTrue(ahead.out().contains("phone clock +250 ms ahead of this host (offset local − phone about -250 ms)"),
                ahead.out());
        assertEquals(2, run("bench", "neon", "--bursts", "0").code());
        assertEquals(2, run("bench", "neon", "--loss", "100").code());
    }
}
