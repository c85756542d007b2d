package io.lockstep.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * Run by {@link DnsSdFleetTest} inside a network namespace of its own, where loopback has
 * multicast: ten agents on 127.0.0.2-11, each with its own simulated clock, advertise
 * themselves over DNS-SD; then {@code fleet status --browse --json} finds them. Prints one
 * {@code truth NAME NANOS} line per agent after the snapshot, and exits with the command's code.
 * Not a test itself; not thread-safe.
 */
public final class DnsSdFleetMain {

    private DnsSdFleetMain() {
    }

    public static void main(String[] args) throws Exception {
        NtpServer reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getByName("127.0.0.1")).port(0).rateLimit(NtpRateLimit.perSecond(0)).build());
        Target ref = Target.parse("ntp://127.0.0.1:" + reference.port());
        List<Agent> agents = new ArrayList<>();
        List<SimulatedTimeSource> clocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SimulatedTimeSource clock = new SimulatedTimeSource(TimeSource.system(), (i - 5) * 1_500_000L, 2 * i - 9);
            agents.add(Agent.start(AgentConfig.of(ref, String.format("headset-%02d", i + 1),
                    new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i)), 7474)).withLocal(clock)
                    .withAdvertise(true)));
            clocks.add(clock);
        }
        for (Agent a : agents) {
            a.tracker().awaitSynced(Duration.ofSeconds(120));
        }
        int code = Main.run(System.out, System.err, "fleet", "status", "--browse", "--browse-time", "5s", "--json");
        for (int i = 0; i < agents.size(); i++) {
            System.out.println("truth " + agents.get(i).config().name() + " " + clocks.get(i).aheadOfReferenceNanos());
        }
        System.out.flush();
        for (Agent a : agents) {
            a.close();
        }
        reference.close();
        System.exit(code);
    }
}
