package io.lockstep.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * Run by {@link PhoneDiscoveryTest} inside a network namespace of its own, where loopback has
 * multicast and port 8080 is free: two stand-in Companion apps on 127.0.0.2:8080 and
 * 127.0.0.3:8080, each advertised over mDNS under the name the real app uses
 * ({@code PI monitor:NAME:ID} of type {@code _http._tcp}; with a host name each, which the
 * stand-in's own advert does not give); then {@code fleet status --browse}, {@code fleet status
 * --scan}, {@code record start --browse} and {@code event --scan}, each printed as
 * {@code NAME EXIT ONE-LINE-JSON}, and one {@code truth TARGET NANOS} and {@code events TARGET [NAMES]} line per phone. Not a test
 * itself; not thread-safe.
 */
public final class PhoneDiscoveryMain {

    private PhoneDiscoveryMain() {
    }

    public static void main(String[] args) throws Exception {
        NtpServer reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getByName("127.0.0.1")).port(0).rateLimit(NtpRateLimit.perSecond(0)).build());
        String ref = "ntp://127.0.0.1:" + reference.port();
        List<FakeCompanion> apps = new ArrayList<>();
        List<SimulatedTimeSource> clocks = new ArrayList<>();
        List<JmDNS> adverts = new ArrayList<>();
        String[] names = {"Neon Ada", "Neon Bob"};
        for (int i = 0; i < names.length; i++) {
            SimulatedTimeSource clock = new SimulatedTimeSource(TimeSource.system(), (i == 0 ? 1 : -1) * 3_000_000L, 4 * i);
            InetAddress address = InetAddress.getByName("127.0.0." + (2 + i));
            FakeCompanion app = FakeCompanion.builder(clock).bind(address).port(8080).seed(i).deviceName(names[i]).start();
            // Advertised as the app advertises itself (PI monitor:NAME:ID, type _http._tcp), but from here: the
            // stand-in's own advert names every phone's host "neon", and two of them in one namespace then
            // resolve to one address, where real phones would each defend a name of their own.
            JmDNS jmdns = JmDNS.create(address, "neon-" + i);
            jmdns.registerService(ServiceInfo.create("_http._tcp.local.", app.serviceName(), 8080, ""));
            apps.add(app);
            adverts.add(jmdns);
            clocks.add(clock);
        }
        run("browse", "fleet", "status", "--browse", "--browse-time", "5s", "--reference", ref, "--settle", "90s", "--json");
        run("scan", "fleet", "status", "--scan", "127.0.0.0/29", "--reference", ref, "--settle", "90s", "--json");
        run("record", "record", "start", "--browse", "--browse-time", "5s", "--samples", "20", "--json");
        run("event", "event", "--scan", "127.0.0.0/29", "found.by.scan", "--samples", "20", "--json");
        for (int i = 0; i < names.length; i++) {
            String target = "neon://127.0.0." + (2 + i) + ":8080";
            System.out.println("truth " + target + " " + clocks.get(i).aheadOfReferenceNanos());
            System.out.println("events " + target + " " + apps.get(i).events().stream()
                    .map(FakeCompanion.ReceivedEvent::name).toList());
        }
        System.out.flush();
        for (JmDNS j : adverts) {
            j.unregisterAllServices();
            j.close();
        }
        for (FakeCompanion app : apps) {
            app.close();
        }
        reference.close();
        System.exit(0);
    }

    private static void run(String label, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        String json = out.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
        System.out.println(label + " " + code + " " + json);
        System.err.println(label + ": " + err.toString(StandardCharsets.UTF_8).strip());
        System.out.flush();
    }
}
