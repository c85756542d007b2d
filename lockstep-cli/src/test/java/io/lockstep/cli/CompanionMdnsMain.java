package io.lockstep.cli;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.TimeSource;

/**
 * Run by {@link CompanionMdnsTest} inside a network namespace of its own, where loopback has
 * multicast: starts a stand-in Companion app on 127.0.0.1 that advertises itself, then browses
 * {@code _http._tcp} with a separate JmDNS (printing {@code jmdns NAME|SERVER|PORT|ADDRESSES})
 * and, when {@code /usr/bin/python3} has zeroconf, with python-zeroconf (its own
 * {@code zeroconf ...} lines). Prints {@code advertised NAME PORT} first and exits 0 when it
 * ran to the end. Not a test itself; not thread-safe.
 */
public final class CompanionMdnsMain {

    private CompanionMdnsMain() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (FakeCompanion app = FakeCompanion.builder(TimeSource.system()).bind(loopback)
                .deviceName("Neon Companion").deviceId("d55a33b5ab845785").advertise(true).start()) {
            System.out.println("advertised " + app.serviceName() + " " + app.httpPort());
            try (JmDNS browser = JmDNS.create(loopback, "lockstep-browser")) {
                // list() waits up to the timeout for answers; a bounded loop covers a slow start.
                for (int attempt = 0; attempt < 5; attempt++) {
                    ServiceInfo[] infos = browser.list("_http._tcp.local.", 3_000);
                    boolean seen = false;
                    for (ServiceInfo info : infos) {
                        System.out.println("jmdns " + info.getName() + "|" + info.getServer() + "|" + info.getPort() + "|"
                                + String.join(",", info.getHostAddresses()));
                        seen |= info.getName().equals(app.serviceName());
                    }
                    if (seen) {
                        break;
                    }
                }
            }
            Path python = Path.of("/usr/bin/python3");
            boolean zeroconf = Files.isExecutable(python)
                    && new ProcessBuilder(python.toString(), "-c", "import zeroconf").start().waitFor() == 0;
            if (!zeroconf) {
                System.out.println("no-zeroconf");
            } else {
                Path script = Files.createTempFile("lockstep-zeroconf", ".py");
                try (InputStream in = CompanionMdnsMain.class.getResourceAsStream("zeroconf_browse.py")) {
                    Files.write(script, in.readAllBytes());
                }
                Process p = new ProcessBuilder(python.toString(), script.toString(), "20").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean done = p.waitFor(60, TimeUnit.SECONDS);
                p.destroyForcibly();
                Files.delete(script);
                System.out.print(out);
                System.out.println("python-exit " + (done ? p.exitValue() : "timeout"));
            }
        }
        System.out.flush();
        System.exit(0);
    }
}
