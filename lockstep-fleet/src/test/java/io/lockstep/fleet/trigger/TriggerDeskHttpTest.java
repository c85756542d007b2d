package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.clock.ClockState;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * Triggers sent over HTTP to real agents that track a real NTP reference on loopback: every
 * refusal case is the exact trigger a monitor (or an attacker) would send, and for each the test
 * sees the refusal, its reason in the answer and the agent's journal, and no effect of the action
 * after its instant. Accepted triggers run exec, write, line and tick actions for real.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriggerDeskHttpTest {

    private static final long MS = 1_000_000L;
    private static final FleetKey KEY = FleetKey.random();

    @TempDir
    static Path dir;

    private TriggerRig rig;
    private TriggerRig.Member agent;
    private TriggerRig.Member unsynced;
    private TriggerRig.Member keyless;
    private TriggerRig.Member small;

    @BeforeAll
    void start() throws Exception {
        String loop = "while IFS= read -r l; do echo \"$l\" >> %s; done";
        ActionsFile actions = ActionsFile.parse(String.join("\n",
                "led write led.value 1",
                "shot exec sh -c \"echo shot >> " + dir.resolve("exec.out") + "\"",
                "count line sh -c '" + loop.formatted(dir.resolve("line.out")) + "'",
                "beat tick sh -c '" + loop.formatted(dir.resolve("tick.out")) + "'",
                ""), "actions.txt", dir);
        rig = new TriggerRig(1_500 * MS);
        agent = rig.agent("a1", 250 * MS, 15.0, actions, KEY);
        int silentPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = s.getLocalPort();
        }
        unsynced = rig.agent("lost", Target.parse("ntp://127.0.0.1:" + silentPort), -40 * MS, 0, actions, KEY,
                TriggerDesk.Limits.defaults());
        keyless = rig.agent("keyless", -3 * MS, 0, actions, null);
        ActionsFile smallActions = ActionsFile.parse("led write small.value 1\nlater write later.value 1\n", "small.txt", dir);
        small = rig.agent("small", rig.referenceTarget, 7 * MS, -3, smallActions, KEY, TriggerDesk.Limits.defaults().withReplayCapacity(1));
        rig.awaitSynced();
    }

    @AfterAll
    void stop() throws Exception {
        rig.close();
    }

    private long now() {
        return agent.nowReferenceNanos();
    }

    private static String json(Trigger t) {
        return JsonText.write(TriggerJson.toMap(t));
    }

    /** Sends {@code t} and checks the refusal: status, code, reason, and the journal line. */
    private void assertRefused(TriggerRig.Member m, String body, Refusal refusal, String reasonPart) throws Exception {
        HttpResponse<String> r = rig.post(m, body);
        assertEquals(refusal.httpStatus(), r.statusCode(), r.body());
        Map<String, Object> answer = JsonText.object(r.body());
        assertEquals(refusal.code(), answer.get("code"), r.body());
        String error = (String) answer.get("error");
        assertTrue(error.startsWith(refusal.code() + ": ") && error.contains(reasonPart), error);
        assertTrue(m.journal().stream().anyMatch(l -> l.contains("refused: " + error)), m.journal().toString());
    }

    /** Waits until the reference clock has passed {@code instant} by a margin, then checks nothing ran. */
    private void assertNothingRanAfter(long instant, String... files) throws Exception {
        while (now() < instant + 300 * MS) {
            Thread.sleep(20);
        }
        for (String f : files) {
            assertFalse(Files.exists(dir.resolve(f)), f + " appeared: the refused action ran");
        }
    }

    @Test
    void everyRefusalIsExplainedAndNothingRuns() throws Exception {
        // Each instant is taken afresh: the first requests of a JVM can be slow.
        long first = at();
        Trigger good = Trigger.create("led", first, first, 0, 1, 0);
        assertRefused(agent, json(good), Refusal.UNSIGNED, "no signature");
        assertRefused(agent, json(good.signedWith(FleetKey.random())), Refusal.BAD_SIGNATURE, "does not match");
        Trigger tampered = new Trigger(good.id(), "shot", good.atNanos(), good.expiresNanos(), 0, 1, 0,
                good.signedWith(KEY).signature());
        assertRefused(agent, json(tampered), Refusal.BAD_SIGNATURE, "does not match");
        assertRefused(agent, json(Trigger.create("led", at(), now() - 1_000 * MS, 0, 1, 0).signedWith(KEY)),
                Refusal.EXPIRED, "expired");
        assertRefused(agent, json(Trigger.create("led", now() - 1_000 * MS, now() + 10_000 * MS, 0, 1, 0)
                .signedWith(KEY)), Refusal.PAST, "in the past");
        long far = now() + 7_200_000 * MS;
        assertRefused(agent, json(Trigger.create("led", far, far, 0, 1, 0).signedWith(KEY)), Refusal.TOO_FAR,
                "more than the 3600.000000 s this agent accepts");
        long at = at();
        assertRefused(agent, json(Trigger.create("reboot", at, at, 0, 1, 0).signedWith(KEY)), Refusal.UNKNOWN_ACTION,
                "no action 'reboot' in actions.txt");
        at = at();
        assertRefused(agent, json(Trigger.create("beat", at, at, 0, 1, 0).signedWith(KEY)), Refusal.WRONG_KIND,
                "needs a period");
        at = at();
        assertRefused(agent, json(Trigger.create("led", at, at, 0, 1, 1).signedWith(KEY)), Refusal.BOUND_TOO_LARGE,
                "more than the limit of 1 ns");
        assertRefused(agent, "{\"id\":\"x\",\"action\":\"led\",\"command\":\"rm -rf /\"}", Refusal.MALFORMED,
                "unknown field 'command'");
        at = at();
        assertRefused(unsynced, json(Trigger.create("led", at, at, 0, 1, 0).signedWith(KEY)), Refusal.NOT_SYNCED,
                "UNSYNCED");
        at = at();
        assertRefused(keyless, json(Trigger.create("led", at, at, 0, 1, 0).signedWith(KEY)), Refusal.NO_KEY,
                "no fleet key");
        assertNothingRanAfter(latestAt, "led.value", "exec.out");
    }

    /** A trigger body signed under {@link #KEY} as any key holder could write it, without {@link Trigger}'s checks. */
    private static String signedBody(String id, String action, long atNanos, long expiresNanos, long everyNanos, int count) {
        String canonical = "lockstep-trigger-v1\n" + id + "\n" + action + "\n" + atNanos + "\n" + expiresNanos + "\n"
                + everyNanos + "\n" + count + "\n0\n";
        return "{\"id\":\"" + id + "\",\"action\":\"" + action + "\",\"at_ns\":" + atNanos + ",\"expires_ns\":"
                + expiresNanos + ",\"every_ns\":" + everyNanos + ",\"count\":" + count + ",\"max_bound_ns\":0,"
                + "\"signature\":\"" + KEY.sign(canonical) + "\"}";
    }

    @Test
    void instantsThatWouldOverflowAreRefusedNotWrappedAround() throws Exception {
        long expires = now() + 2_000 * MS;
        // at - now overflows to a large positive lead: the instant looked far enough ahead.
        assertRefused(agent, signedBody("wrap-past", "led", Long.MIN_VALUE + 1, expires, 0, 1), Refusal.PAST,
                "in the past");
        // at + 2 * every overflows to a negative last instant: the too-far check saw only the expiry.
        long at = at();
        assertRefused(agent, signedBody("wrap-far", "beat", at, expires, 1L << 62, 3), Refusal.MALFORMED,
                "last firing");
        assertRefused(agent, "{\"id\":\"wrap-count\",\"action\":\"led\",\"at_ns\":1,\"expires_ns\":1,"
                + "\"count\":-4294967295}", Refusal.MALFORMED, "count");
    }

    @Test
    void anUnsignedBodyCannotForgeJournalLines() throws Exception {
        // The journal is the agent's stdout and log: a refusal quoting the sender's text must stay one line.
        HttpResponse<String> r = rig.post(agent, "{\"id\":\"forge\",\"action\":\"x\\nfired led forge #0 FIRED\\u001b[2J\","
                + "\"at_ns\":1,\"expires_ns\":1}");
        assertEquals(Refusal.MALFORMED.httpStatus(), r.statusCode(), r.body());
        String line = agent.journal().stream().filter(l -> l.contains("fired led forge")).findFirst().orElseThrow();
        assertTrue(line.chars().noneMatch(Character::isISOControl), line);
    }

    @Test
    void aFullReplayMemoryRefusesRatherThanForgets() throws Exception {
        long first = now() + 4_000 * MS;
        HttpResponse<String> r = rig.post(small, json(Trigger.create("led", first, first, 0, 1, 0).signedWith(KEY)));
        assertEquals(202, r.statusCode(), r.body());
        long at = now() + 1_500 * MS;
        assertRefused(small, json(Trigger.create("later", at, at, 0, 1, 0).signedWith(KEY)), Refusal.TOO_MANY,
                "already holds 1 unexpired triggers");
        while (now() < at + 300 * MS) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(dir.resolve("later.value")), "the refused action ran");
    }

    @Test
    void anAgentWhoseReferenceFellSilentIsRefusedByTheScheduler() throws Exception {
        ActionsFile actions = ActionsFile.parse("led write silent.value 1\n", "silent.txt", dir);
        TriggerRig.Member m;
        try (NtpServer own = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).warmUp(false)
                .rateLimit(NtpRateLimit.perSecond(0)).build())) {
            m = rig.agent("silent", Target.parse("ntp://127.0.0.1:" + own.localAddress().getPort()), 11 * MS, 4,
                    actions, KEY, TriggerDesk.Limits.defaults());
            m.agent().tracker().awaitSynced(java.time.Duration.ofSeconds(90));
        }
        // Three intervals without an answer: the clock is in holdover, which the scheduler refuses up front.
        long deadline = System.nanoTime() + ActionRunnerTestSupport.DEADLINE_NANOS;
        while (m.agent().clock().state() != ClockState.HOLDOVER && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertEquals(ClockState.HOLDOVER, m.agent().clock().state());
        long at = m.nowReferenceNanos() + 500 * MS;
        assertRefused(m, json(Trigger.create("led", at, at, 0, 1, 0).signedWith(KEY)), Refusal.NOT_SYNCED,
                "the clock is HOLDOVER, not SYNCED: the reference stopped answering");
        while (m.nowReferenceNanos() < at + 300 * MS) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(dir.resolve("silent.value")), "the refused action ran");
    }

    private long latestAt;

    /**
     * An instant 1.5 s ahead (a request on a loaded machine can take longer than half a second, and
     * the trigger would then be refused as expired instead); the test waits past the latest one handed out.
     */
    private long at() {
        latestAt = now() + 1_500 * MS;
        return latestAt;
    }

    @Test
    void anAcceptedTriggerFiresOnceAndItsReplayIsRefused() throws Exception {
        long at = now() + 1_000 * MS;
        Trigger t = Trigger.create("count", at, at, 0, 1, 0).signedWith(KEY);
        HttpResponse<String> r = rig.post(agent, json(t));
        assertEquals(202, r.statusCode(), r.body());
        Map<String, Object> ack = JsonText.object(r.body());
        assertEquals(Boolean.TRUE, ack.get("accepted"));
        assertEquals("a1", ack.get("agent"));
        assertEquals(t.id(), ack.get("id"));
        assertEquals("line", ack.get("kind"));
        long predicted = (Long) ack.get("predicted_bound_ns");
        assertTrue(predicted > 0 && predicted < 50 * MS, "predicted bound " + predicted);

        assertRefused(agent, json(t), Refusal.REPLAY, "was already accepted");

        Map<String, Object> report = awaitDone(agent, t.id());
        List<?> firings = (List<?>) report.get("firings");
        assertEquals(1, firings.size());
        @SuppressWarnings("unchecked")
        FiringReport f = FiringReport.fromJson((Map<String, Object>) firings.get(0));
        assertTrue(f.fired(), f.toString());
        assertEquals(at, f.referenceNanos());
        assertNotNull(f.hostWallNanos());
        // The host clock is the truth: the reference reads 1.5 s ahead of it, so the firing's true
        // reference time is host_wall + 1.5 s, within the agent's bound (plus the agents' and the
        // server's stamping, a few µs).
        long trueReference = f.hostWallNanos() + 1_500 * MS;
        assertTrue(Math.abs(trueReference - f.firedReferenceNanos()) <= f.errorBoundNanos() + 1 * MS,
                "truth " + trueReference + " vs reported " + f.firedReferenceNanos() + " ± " + f.errorBoundNanos());
        ActionRunnerTestSupport.waitFor(dir.resolve("line.out"), List.of("count " + t.id() + " " + at + " 0"));
        assertTrue(agent.journal().stream().anyMatch(l -> l.startsWith("fired count " + t.id() + " #0 FIRED")),
                agent.journal().toString());

        // Still a replay after it fired (the id is remembered until the trigger expires; here, at
        // its instant, after which it is refused as expired instead).
        assertRefused(agent, json(t), Refusal.EXPIRED, "expired");
        Thread.sleep(300);
        ActionRunnerTestSupport.waitFor(dir.resolve("line.out"), List.of("count " + t.id() + " " + at + " 0"));
    }

    @Test
    void execWriteAndTickRunForReal() throws Exception {
        long at = now() + 1_000 * MS;
        Trigger shot = Trigger.create("shot", at, at, 0, 1, 0).signedWith(KEY);
        Trigger led = Trigger.create("led", at + 100 * MS, at + 100 * MS, 0, 1, 0).signedWith(KEY);
        Trigger beat = Trigger.create("beat", at, at, 200 * MS, 3, 0).signedWith(KEY);
        for (Trigger t : List.of(shot, led, beat)) {
            HttpResponse<String> r = rig.post(agent, json(t));
            assertEquals(202, r.statusCode(), r.body());
        }
        for (Trigger t : List.of(shot, led, beat)) {
            Map<String, Object> report = awaitDone(agent, t.id());
            assertEquals((long) t.count(), report.get("firings_ok"), report.toString());
            int k = 0;
            for (Object o : (List<?>) report.get("firings")) {
                @SuppressWarnings("unchecked")
                FiringReport f = FiringReport.fromJson((Map<String, Object>) o);
                assertEquals(k, f.index());
                assertEquals(t.instantNanos(k), f.referenceNanos());
                // How late is for a bench to say: a shared machine may starve the firing thread. A
                // periodic tick half a period late would be MISSED, which firings_ok above rules out.
                k++;
            }
        }
        ActionRunnerTestSupport.waitFor(dir.resolve("exec.out"), List.of("shot"));
        assertEquals("1", Files.readString(dir.resolve("led.value")));
        ActionRunnerTestSupport.waitFor(dir.resolve("tick.out"), List.of(
                "beat " + beat.id() + " " + beat.instantNanos(0) + " 0",
                "beat " + beat.id() + " " + beat.instantNanos(1) + " 1",
                "beat " + beat.id() + " " + beat.instantNanos(2) + " 2"));
        HttpResponse<String> list = rig.get(agent, TriggerDesk.PATH);
        assertEquals(200, list.statusCode());
        assertTrue(list.body().contains(beat.id()), list.body());
        assertEquals(404, rig.get(agent, TriggerDesk.PATH + "/nosuchid").statusCode());
    }

    /**
     * Issue 17: a monitor learns of the last firing without polling: with {@code wait_ms} the
     * agent holds the report until the trigger is done, so one request asked before the instant
     * answers "done" with the firing (an agent that ignored wait_ms would answer "scheduled").
     * The wait asked (4 s) is far beyond the instant (0.8 s ahead), so the answer cannot have
     * come because the wait ran out.
     */
    @Test
    void aReportAskedWithWaitIsHeldUntilTheTriggerIsDone() throws Exception {
        long at = now() + 800 * MS;
        Trigger t = Trigger.create("led", at, at, 0, 1, 0).signedWith(KEY);
        assertEquals(202, rig.post(agent, json(t)).statusCode());
        HttpResponse<String> r = rig.get(agent, TriggerDesk.PATH + "/" + t.id() + "?wait_ms=4000");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> report = JsonText.object(r.body());
        assertEquals("done", report.get("state"), r.body());
        assertEquals(1, ((List<?>) report.get("firings")).size(), r.body());
        // Without wait_ms the answer comes at once, as before.
        long far = now() + 60_000 * MS;
        Trigger later = Trigger.create("led", far, far, 0, 1, 0).signedWith(KEY);
        assertEquals(202, rig.post(agent, json(later)).statusCode());
        assertEquals("scheduled", JsonText.object(rig.get(agent, TriggerDesk.PATH + "/" + later.id()).body())
                .get("state"));
        // A wait that runs out answers the report as it stands.
        assertEquals("scheduled", JsonText.object(rig.get(agent, TriggerDesk.PATH + "/" + later.id() + "?wait_ms=200")
                .body()).get("state"));
    }

    private Map<String, Object> awaitDone(TriggerRig.Member m, String id) throws Exception {
        Map<String, Object> report = null;
        long deadline = System.nanoTime() + ActionRunnerTestSupport.DEADLINE_NANOS;
        while (System.nanoTime() - deadline < 0) {
            HttpResponse<String> r = rig.get(m, TriggerDesk.PATH + "/" + id);
            assertEquals(200, r.statusCode(), r.body());
            report = JsonText.object(r.body());
            if ("done".equals(report.get("state"))) {
                return report;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("trigger " + id + " not done: " + report);
    }
}
