package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.fleet.action.ActionRunner;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * A fleet on loopback for trigger tests: one NTP reference (optionally reading ahead of this
 * host), and real agents with simulated clocks, each with its action runner and trigger desk on
 * its HTTP API. Closes everything it started. Not thread-safe; one test uses it.
 */
final class TriggerRig implements AutoCloseable {

    /** One agent of the rig and what it journaled. */
    record Member(Agent agent, ActionRunner runner, TriggerDesk desk, SimulatedTimeSource clock, List<String> journal) {
        String url(String path) {
            InetSocketAddress a = agent.httpAddress();
            return "http://127.0.0.1:" + a.getPort() + path;
        }

        long nowReferenceNanos() {
            return agent.clock().nowNanos();
        }
    }

    final NtpServer reference;
    final Target referenceTarget;
    final List<Member> members = new ArrayList<>();
    /** How the agents' schedulers wait; tests with many agents on few cores shorten the spin. */
    SchedulerOptions schedulerOptions = SchedulerOptions.defaults();
    /**
     * The agents' tracking interval. Holdover begins after three intervals without an answer, so
     * tests with many agents on a loaded machine poll less often to stay SYNCED.
     */
    long intervalNanos = 100_000_000L;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A reference that reads {@code referenceAheadNanos} ahead of this host's clock. */
    TriggerRig(long referenceAheadNanos) throws IOException {
        TimeSource refClock = referenceAheadNanos == 0 ? TimeSource.system()
                : new SimulatedTimeSource(TimeSource.system(), referenceAheadNanos, 0);
        reference = NtpServer.start(NtpServerConfig.builder(refClock).port(0).warmUp(false)
                .rateLimit(NtpRateLimit.perSecond(0)).build());
        referenceTarget = Target.parse("ntp://127.0.0.1:" + reference.localAddress().getPort());
    }

    /** Starts an agent tracking {@code target} every {@link #intervalNanos} with a clock {@code offsetNanos} ahead of this host, drifting. */
    Member agent(String name, Target target, long offsetNanos, double driftPpm, ActionsFile actions, FleetKey key,
                 TriggerDesk.Limits limits) throws IOException {
        SimulatedTimeSource clock = new SimulatedTimeSource(TimeSource.system(), offsetNanos, driftPpm);
        AgentConfig config = AgentConfig.of(target, name, new InetSocketAddress("127.0.0.1", 0)).withLocal(clock)
                .withIntervalNanos(intervalNanos);
        Agent agent = Agent.start(config);
        ActionRunner runner = ActionRunner.start(actions, ProcessBuilder.Redirect.DISCARD);
        TriggerDesk desk = TriggerDesk.install(agent, runner, key, limits, schedulerOptions);
        List<String> journal = new CopyOnWriteArrayList<>();
        desk.addJournal(journal::add);
        Member m = new Member(agent, runner, desk, clock, journal);
        members.add(m);
        return m;
    }

    Member agent(String name, long offsetNanos, double driftPpm, ActionsFile actions, FleetKey key) throws IOException {
        return agent(name, referenceTarget, offsetNanos, driftPpm, actions, key, TriggerDesk.Limits.defaults());
    }

    /** Waits until every agent tracking the rig's reference is SYNCED. */
    void awaitSynced() throws Exception {
        for (Member m : members) {
            if (m.agent.config().reference().equals(referenceTarget)) {
                m.agent.tracker().awaitSynced(Duration.ofSeconds(90));
            }
        }
    }

    /** POSTs {@code json} to the member's trigger resource. */
    HttpResponse<String> post(Member m, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(m.url(TriggerDesk.PATH)))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(Member m, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(m.url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Path dir(Path base, String name) {
        return base.resolve(name);
    }

    @Override
    public void close() throws IOException {
        for (Member m : members) {
            m.desk.close();
            m.runner.close();
            m.agent.close();
        }
        reference.close();
    }
}
