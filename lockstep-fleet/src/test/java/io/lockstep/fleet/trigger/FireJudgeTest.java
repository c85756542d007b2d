package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.fleet.AgentClient;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.FiringReport;
import io.lockstep.fleet.FiringState;
import io.lockstep.fleet.TriggerReport;
import io.lockstep.schedule.Firing;

/**
 * The judge of {@code fleet fire} on its own, without sockets (issue 17): what each answer of an
 * agent makes of its row, when waiting ends, and the verdict over the fleet.
 */
class FireJudgeTest {

    private static final long MS = 1_000_000L;
    private static final long TOLERANCE = 41_700_000L;
    private static final Device A = Device.parse("a", "agent://127.0.0.1:7001");
    private static final Trigger TWICE = new Trigger("t2", "blink", 10_000 * MS, 10_000 * MS, 500 * MS, 2, 0, null);

    private static FiringReport report(int index, long latenessNanos, long boundNanos, Firing.Outcome outcome,
                                       String detail) {
        long at = TWICE.instantNanos(index);
        return new FiringReport(index, at, at + latenessNanos, at, boundNanos, latenessNanos, at + latenessNanos, 1_000L,
                outcome, detail);
    }

    private static AgentClient.ReportAnswer answer(TriggerReport.State state, FiringReport... firings) {
        return new AgentClient.ReportAnswer(new TriggerReport(state, 2 * MS, List.of(firings)), null, false, true);
    }

    @Test
    void aDoneReportWithEveryFiringIsFired() {
        FleetFire.DeviceOutcome o = FireJudge.reported(A, TWICE, answer(TriggerReport.State.DONE,
                report(0, 100_000, MS, Firing.Outcome.FIRED, ""), report(1, -50_000, 2 * MS, Firing.Outcome.FIRED, "")));
        assertEquals(FiringState.FIRED, o.status());
        assertNull(o.reason());
        assertEquals(2 * MS, o.predictedBoundNanos());
        assertEquals(100_000L, o.worstLatenessNanos());
        assertEquals(2 * MS, o.worstBoundNanos());
    }

    @Test
    void aDoneReportWithAFailureNamesIt() {
        FleetFire.DeviceOutcome o = FireJudge.reported(A, TWICE, answer(TriggerReport.State.DONE,
                report(0, 0, MS, Firing.Outcome.FIRED, ""), report(1, 0, MS, Firing.Outcome.FAILED, "exit 3")));
        assertEquals(FiringState.FAILED, o.status());
        assertEquals("1/2 fired; firing #1 failed: exit 3", o.reason());
        FleetFire.DeviceOutcome missing = FireJudge.reported(A, TWICE, answer(TriggerReport.State.DONE,
                report(0, 0, MS, Firing.Outcome.FIRED, "")));
        assertEquals("1/2 fired; 1 of 2 firings reported", missing.reason());
    }

    @Test
    void anUnfinishedReportWaitsAndBecomesFailedWhenTimeIsUp() {
        FleetFire.DeviceOutcome o = FireJudge.reported(A, TWICE, answer(TriggerReport.State.SCHEDULED,
                report(0, 0, MS, Firing.Outcome.FIRED, "")));
        assertEquals(FiringState.SCHEDULED, o.status());
        assertNull(o.reason());
        FleetFire.DeviceOutcome last = FireJudge.gaveUp(o, TWICE);
        assertEquals(FiringState.FAILED, last.status());
        assertEquals("no report of every firing after the last instant (1 of 2)", last.reason());
        assertEquals(1, last.firings().size());
    }

    @Test
    void aFailedAskWaitsAndBecomesUnreachableWhenTimeIsUp() {
        FleetFire.DeviceOutcome o = FireJudge.reported(A, TWICE,
                new AgentClient.ReportAnswer(null, "unreachable: connection refused", false, false));
        assertEquals(FiringState.SCHEDULED, o.status());
        assertEquals("unreachable: connection refused (after accepting the trigger)", o.reason());
        FleetFire.DeviceOutcome last = FireJudge.gaveUp(o, TWICE);
        assertEquals(FiringState.UNREACHABLE, last.status());
        assertEquals("unreachable: connection refused (after accepting the trigger)", last.summary());
        // A final row stays as it is.
        assertSame(last, FireJudge.gaveUp(last, TWICE));
    }

    @Test
    void anAnswerOverTheLimitEndsThatAgentsPartAtOnce() {
        FleetFire.DeviceOutcome o = FireJudge.reported(A, TWICE, new AgentClient.ReportAnswer(null,
                "unreachable: answer larger than 1048576 bytes (hung up)", true, false));
        assertEquals(FiringState.UNREACHABLE, o.status());
    }

    @Test
    void anAcknowledgementKeepsTheBoundOrTheRefusal() {
        FleetFire.DeviceOutcome ok = FireJudge.acknowledged(A, new AgentClient.Ack(FiringState.SCHEDULED, 3 * MS, null,
                null));
        assertEquals(FiringState.SCHEDULED, ok.status());
        assertEquals(3 * MS, ok.predictedBoundNanos());
        FleetFire.DeviceOutcome no = FireJudge.acknowledged(A, new AgentClient.Ack(FiringState.REFUSED, null,
                "trigger t2 was already accepted", "replay"));
        assertEquals(FiringState.REFUSED, no.status());
        assertEquals("replay", no.refusalCode());
        assertEquals("refused: trigger t2 was already accepted", no.summary());
    }

    @Test
    void theVerdictIsTheSpreadWithTheTwoLargestBoundsAndEveryProblem() {
        FleetFire.Plan plan = new FleetFire.Plan("blink", TWICE.atNanos(), TWICE.everyNanos(), 2, TOLERANCE, 0);
        List<FleetFire.DeviceOutcome> rows = List.of(
                FireJudge.reported(A, TWICE, answer(TriggerReport.State.DONE,
                        report(0, 1 * MS, 1 * MS, Firing.Outcome.FIRED, ""), report(1, 0, 1 * MS, Firing.Outcome.FIRED, ""))),
                FireJudge.reported(Device.parse("b", "agent://127.0.0.1:7002"), TWICE, answer(TriggerReport.State.DONE,
                        report(0, -2 * MS, 3 * MS, Firing.Outcome.FIRED, ""),
                        report(1, 50 * MS, 2 * MS, Firing.Outcome.FIRED, ""))),
                new FleetFire.DeviceOutcome("c", "agent://c", FiringState.REFUSED, "replay", "replay", null, List.of()),
                new FleetFire.DeviceOutcome("n", "ntp://n", FiringState.SKIPPED, "not an agent", null, null, List.of()));
        FleetFire.Result r = FireJudge.judge(TWICE, plan, rows);
        assertEquals(2, r.spreads().size());
        FleetFire.Spread first = r.spreads().get(0);
        assertEquals(3 * MS, first.spreadNanos());
        assertEquals(4 * MS, first.spreadBoundNanos(), "the two largest bounds: 3 ms and 1 ms");
        assertEquals(3 * MS, first.hostSpreadNanos());
        assertEquals(50 * MS, r.spreadNanos());
        assertFalse(r.ok());
        assertEquals(List.of("b fired 50.000 ms from the instant, outside the tolerance of 41.700 ms",
                "c refused: replay",
                "firing #1: fire spread 50.000 ms exceeds the tolerance of 41.700 ms"), r.problems().stream().sorted().toList(),
                r.problems().toString());
        assertEquals("skipped", r.toJson().get("devices") instanceof List<?> l
                ? ((java.util.Map<?, ?>) l.get(3)).get("status") : null);
    }

    @Test
    void aFleetThatFiredTogetherIsOk() {
        FleetFire.Plan plan = new FleetFire.Plan("blink", TWICE.atNanos(), TWICE.everyNanos(), 2, TOLERANCE, 0);
        FleetFire.Result r = FireJudge.judge(TWICE, plan, List.of(FireJudge.reported(A, TWICE,
                answer(TriggerReport.State.DONE, report(0, 0, MS, Firing.Outcome.FIRED, ""),
                        report(1, 0, MS, Firing.Outcome.FIRED, "")))));
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(0L, r.spreadNanos());
        assertEquals(0L, r.spreadBoundNanos(), "one device: nothing to disagree with");
        assertEquals(true, r.toJson().get("within_tolerance"));
    }
}
