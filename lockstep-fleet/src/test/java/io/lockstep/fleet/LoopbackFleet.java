package io.lockstep.fleet;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * A fleet on this machine for tests: one NTP server on 127.0.0.1 serving the host clock (the
 * reference, so the truth is each agent's simulated offset), and agents on 127.0.0.2, .3, …,
 * all on one HTTP port as they would be on separate devices, each with its own simulated
 * clock. Not thread-safe; one test owns it.
 */
final class LoopbackFleet implements AutoCloseable {

    final NtpServer reference;
    final Target referenceTarget;
    final List<Agent> agents = new ArrayList<>();
    final List<SimulatedTimeSource> clocks = new ArrayList<>();
    final int port;

    /**
     * @param offsetsNanos each agent's clock ahead of the host's
     * @param driftsPpm    each agent's clock rate error
     */
    LoopbackFleet(long[] offsetsNanos, double[] driftsPpm) throws IOException {
        reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).rateLimit(NtpRateLimit.perSecond(0)).build());
        referenceTarget = Target.parse("ntp://127.0.0.1:" + reference.port());
        int chosen = -1;
        for (int attempt = 0; attempt < 20 && chosen < 0; attempt++) {
            closeAgents();
            try {
                int p = 0;
                for (int i = 0; i < offsetsNanos.length; i++) {
                    SimulatedTimeSource clock = new SimulatedTimeSource(TimeSource.system(), offsetsNanos[i], driftsPpm[i]);
                    InetSocketAddress http = new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i)), p);
                    Agent a = Agent.start(AgentConfig.of(referenceTarget, String.format("headset-%02d", i + 1), http)
                            .withLocal(clock));
                    p = a.httpAddress().getPort();
                    agents.add(a);
                    clocks.add(clock);
                }
                chosen = p;
            } catch (BindException e) {
                // The first agent's free port is taken on another 127.0.0.x; try another port.
            }
        }
        if (chosen < 0) {
            close();
            throw new IOException("no common free port for the agents");
        }
        port = chosen;
    }

    /** The true device − reference offset of agent {@code i} now. */
    long truthNanos(int i) {
        return clocks.get(i).aheadOfReferenceNanos();
    }

    private void closeAgents() throws IOException {
        for (Agent a : agents) {
            a.close();
        }
        agents.clear();
        clocks.clear();
    }

    @Override
    public void close() throws IOException {
        closeAgents();
        reference.close();
    }
}
