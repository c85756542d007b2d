package io.lockstep.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.net.ReceiveTimestamps;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * An independent client, chronyd in query-only mode ({@code -Q}: it never sets the clock), asks
 * our kernel-stamped server, serving a clock 2.5 ms ahead, for the time. The same route as core's
 * interop test, which runs without this module and so exercises the user-space path.
 */
class ChronydSeesKernelStampedServerTest {

    private static final Path CHRONYD = Path.of("/usr/sbin/chronyd");
    private static final long AHEAD_NANOS = 2_500_000L;

    @Test
    void chronydQueryFindsTheServedOffsetWithinItsOwnBound(@TempDir Path dir) throws Exception {
        assumeTrue(LinuxTimestampingTransport.unsupportedReason(System.getProperty("os.name"),
                System.getProperty("os.arch")) == null, "64-bit Linux only");
        if (!Files.isExecutable(CHRONYD)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(CHRONYD + " (Debian package chrony) is missing; .ci/run installs it");
            }
            assumeTrue(false, "chronyd not installed");
        }
        TimeSource system = TimeSource.system();
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(new SimulatedTimeSource(system, AHEAD_NANOS, 0))
                .port(0).receiveTimestamps(ReceiveTimestamps.KERNEL).build())) {
            assertEquals(ReceiveTimestamps.KERNEL, server.receiveTimestamps());
            // chronyd -Q takes only a handful of samples: let the server's background JIT warm-up
            // finish first, or its first replies leave late after an interpreted t3. Waited on
            // itself: on a busy machine it takes longer than the 3 s it is allowed on its own clock.
            assertTrue(NtpServer.awaitWarmUp(120, TimeUnit.SECONDS), "the NTP server's warm-up did not finish");
            Path logs = Files.createDirectories(dir.resolve("log"));
            Path conf = dir.resolve("query.conf");
            Files.write(conf, List.of("server 127.0.0.1 port " + server.port() + " iburst", "port 0", "cmdport 0",
                    "pidfile " + dir.resolve("query.pid"), "logdir " + logs, "log measurements"), StandardCharsets.US_ASCII);
            Path out = dir.resolve("out.txt");
            Process p = new ProcessBuilder(CHRONYD.toString(), "-Q", "-d", "-u", "root", "-t", "60", "-f", conf.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                // chronyd -Q exits once it has its samples (a few seconds); -t 60 only ends a stuck one.
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chronyd -Q did not finish: " + Files.readString(out));
            } finally {
                p.destroyForcibly();
            }
            String text = Files.readString(out);
            Matcher m = Pattern.compile("System clock wrong by (-?[0-9.]+) seconds").matcher(text);
            assertTrue(m.find(), "chronyd -Q reported no offset: " + text);
            long wrongByNanos = Math.round(Double.parseDouble(m.group(1)) * 1e9);
            // chronyd's measurements: θ (remote − local, ns) and delay, best (shortest delay) first.
            List<long[]> samples = new ArrayList<>();
            for (String line : Files.readAllLines(logs.resolve("measurements.log"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 12 && f[0].matches("\\d{4}-\\d\\d-\\d\\d")) {
                    samples.add(new long[] {Math.round(Double.parseDouble(f[11]) * 1e9),
                            Math.round(Double.parseDouble(f[12]) * 1e9)});
                }
            }
            assertTrue(!samples.isEmpty(), "no measurements logged");
            samples.sort(Comparator.comparingLong(s -> s[1]));
            long[] best = samples.get(0);
            long bestError = best[0] - AHEAD_NANOS;
            System.out.printf(Locale.ROOT, "chronyd -Q vs our kernel-stamped server (+2.5 ms): wrong by %+.1f us; "
                    + "best sample %+.1f us at delay %.1f us%n", (wrongByNanos - AHEAD_NANOS) / 1e3, bestError / 1e3,
                    best[1] / 1e3);
            // Any two-way measurement is within half its round trip of the truth (causality); a 50 µs
            // floor for a loaded host. This caught a stamp conversion that could put t2 before t1.
            assertTrue(Math.abs(bestError) <= Math.max(50_000, best[1] / 2),
                    "best sample " + bestError + " ns off at delay " + best[1] + " ns");
            // chronyd's answer combines these samples, each within half its delay of the truth: it
            // cannot honestly be further off than the worst sample's whole delay. On an idle host
            // that is tens of µs and the 500 µs floor decides; a loaded host that held one exchange
            // for milliseconds widens the bound by as much as chronyd itself could know.
            long worstDelayNanos = samples.get(samples.size() - 1)[1];
            long boundNanos = Math.max(500_000, worstDelayNanos);
            assertTrue(Math.abs(wrongByNanos - AHEAD_NANOS) <= boundNanos, "chronyd -Q wrong by " + wrongByNanos
                    + " ns, beyond max(500 us, worst sample delay " + worstDelayNanos + " ns)");
        }
    }
}
