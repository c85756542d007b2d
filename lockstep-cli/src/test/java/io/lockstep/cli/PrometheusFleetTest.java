package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.bench.FireBaselines;
import io.lockstep.bench.PrometheusServer;
import io.lockstep.bench.SimulatedFleet;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * deploy/prometheus/ checked by Prometheus's own tools ({@code promtool check config}, {@code check
 * rules}, {@code test rules}), and end to end: a real Prometheus server (started here on a free
 * loopback port with a temporary storage directory, stopped after) scrapes three agents with
 * simulated clocks through the file_sd list {@code fleet targets --format prometheus} writes, and
 * the fleet spread its recording rules compute agrees with {@code fleet status --json} within
 * the two bounds.
 */
class PrometheusFleetTest {

    private static final Path DEPLOY = Path.of("..", "deploy", "prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private static void require(Path program) {
        if (!Files.isExecutable(program)) {
            String msg = program + " (Debian package prometheus) is missing; .ci/run installs it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    @Test
    void promtoolAcceptsTheConfigurationAndTheRulesPassTheirUnitTests(@TempDir Path dir) throws Exception {
        require(PROMTOOL);
        // The config names the file_sd list; an empty one is what a room with no agents yet has.
        for (String f : List.of("prometheus.yml", "lockstep-rules.yml", "lockstep-rules-test.yml")) {
            Files.copy(DEPLOY.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("lockstep-targets.json"), "[]\n");
        assertPromtool(dir, "check", "config", "prometheus.yml");
        assertPromtool(dir, "check", "rules", "lockstep-rules.yml");
        assertPromtool(dir, "test", "rules", "lockstep-rules-test.yml");
    }

    @Test
    void fleetTargetsWritesFileSdOfAgentsOnly(@TempDir Path dir) throws Exception {
        Path fleet = dir.resolve("fleet.txt");
        Files.writeString(fleet, "pi-1 agent://127.0.0.1:7474\npi-2 agent://[::1]:7475\nclock ntp://127.0.0.1\n");
        MainTest.Result r = MainTest.run("fleet", "targets", "--format", "prometheus", "--devices", fleet.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[{\"targets\":[\"127.0.0.1:7474\"],\"labels\":{\"lockstep_name\":\"pi-1\",\"lockstep_target\":"
                + "\"agent://127.0.0.1:7474\"}},{\"targets\":[\"[::1]:7475\"],\"labels\":{\"lockstep_name\":\"pi-2\","
                + "\"lockstep_target\":\"agent://[::1]:7475\"}}]", r.out().strip());
        assertTrue(r.err().contains("left out 1 agentless device"), r.err());
        MainTest.Result bad = MainTest.run("fleet", "targets", "--format", "consul", "--devices", fleet.toString());
        assertEquals(Main.EXIT_USAGE, bad.code());
        MainTest.assertOneLineError(bad, "--format");
    }

    @Test
    void realPrometheusComputesTheSpreadFleetStatusShows(@TempDir Path dir) throws Exception {
        require(PrometheusServer.PROMETHEUS);
        List<FireBaselines.DeviceClock> clocks = List.of(new FireBaselines.DeviceClock(5_000_000L, 20),
                new FireBaselines.DeviceClock(-3_000_000L, -10), new FireBaselines.DeviceClock(12_000_000L, 5));
        try (NtpServer reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).build());
             SimulatedFleet fleet = SimulatedFleet.start(Target.parse("ntp://127.0.0.1:" + reference.port()), clocks,
                     250_000_000L, "prom")) {
            fleet.awaitSynced(120_000_000_000L);
            Path fleetFile = dir.resolve("fleet.txt");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < fleet.size(); i++) {
                lines.add(fleet.name(i) + " " + fleet.agentTarget(i));
            }
            Files.write(fleetFile, lines);
            Map<String, String> files = new LinkedHashMap<>();
            // The shipped configuration and rules, at a test's pace: scraped and evaluated every second.
            files.put("prometheus.yml", Files.readString(DEPLOY.resolve("prometheus.yml"))
                    .replace("scrape_interval: 5s", "scrape_interval: 1s")
                    .replace("evaluation_interval: 5s", "evaluation_interval: 1s")
                    .replace("scrape_timeout: 2s", "scrape_timeout: 1s")
                    .replace("refresh_interval: 30s", "refresh_interval: 1s"));
            files.put("lockstep-rules.yml", Files.readString(DEPLOY.resolve("lockstep-rules.yml")));
            try (PrometheusServer prometheus = PrometheusServer.start(files, 60_000_000_000L)) {
                MainTest.Result targets = MainTest.run("fleet", "targets", "--format", "prometheus", "--devices",
                        fleetFile.toString(), "--out", prometheus.dir().resolve("lockstep-targets.json").toString());
                assertEquals(0, targets.code(), targets.err());
                // Prometheus finds the file, scrapes, evaluates: waited on, with a generous deadline.
                awaitValue(prometheus, "lockstep:fleet_agents_synced", 3);
                double promSpread = prometheus.scalar("lockstep:fleet_spread_seconds");
                double promBound = prometheus.scalar("lockstep:fleet_spread_bound_seconds");
                MainTest.Result status = MainTest.run("fleet", "status", "--devices", fleetFile.toString(), "--json");
                assertEquals(0, status.code(), status.out() + status.err());
                long trueSpread = trueSpreadNanos(fleet);
                long spread = field(status.out(), "spread_ns");
                long bound = field(status.out(), "spread_bound_ns");
                double gapNanos = Math.abs(promSpread * 1e9 - spread);
                System.out.printf(Locale.ROOT, "prometheus spread %.3f ms ± %.3f ms; fleet status %.3f ms ± %.3f ms; "
                        + "gap %.3f ms; truth %.3f ms%n", promSpread * 1e3, promBound * 1e3, spread / 1e6, bound / 1e6,
                        gapNanos / 1e6, trueSpread / 1e6);
                // Each states a bound on the true spread; both hold, so they are within the sum of the two
                // (plus the drift of the true spread between the scrape and the poll: ≤ 30 ppm × a few s).
                long driftAllowance = 30_000L * 5;
                assertTrue(gapNanos <= promBound * 1e9 + bound + driftAllowance, "Prometheus and fleet status disagree: "
                        + promSpread + " s ± " + promBound + " vs " + spread + " ns ± " + bound);
                // And both contain the truth (15 ms at the start, drifting apart at 15 ppm), read just after.
                assertTrue(Math.abs(spread - trueSpread) <= bound + driftAllowance,
                        "fleet status " + spread + " ± " + bound + ", truth " + trueSpread);
                assertTrue(Math.abs(promSpread * 1e9 - trueSpread) <= promBound * 1e9 + driftAllowance,
                        "prometheus " + promSpread + " ± " + promBound + ", truth " + trueSpread);
            }
        }
    }

    private static void awaitValue(PrometheusServer p, String promql, double want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        double got = Double.NaN;
        while (System.nanoTime() - deadline < 0) {
            got = p.scalar(promql);
            if (got == want) {
                return;
            }
            Thread.sleep(250);
        }
        fail(promql + " was " + got + " after 90 s, expected " + want + "; up: " + p.query("up"));
    }

    /** The simulated truth: the largest difference between two devices' clocks now. */
    private static long trueSpreadNanos(SimulatedFleet fleet) {
        long hi = Long.MIN_VALUE;
        long lo = Long.MAX_VALUE;
        for (SimulatedFleet.DeviceStatus d : fleet.status()) {
            hi = Math.max(hi, d.trueOffsetNanos());
            lo = Math.min(lo, d.trueOffsetNanos());
        }
        return hi - lo;
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9]+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static void assertPromtool(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PROMTOOL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + new String(out, StandardCharsets.UTF_8));
    }
}
