package io.lockstep.fleet.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.lockstep.fleet.Agent;
import io.lockstep.fleet.AgentConfig;
import io.lockstep.fleet.Device;
import io.lockstep.fleet.FleetMonitor;
import io.lockstep.net.NeonClient;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The dashboard in a real headless Chromium: a small fleet of in-process agents with simulated
 * clocks tracks a loopback NTP server, the monitor polls them, and the page must show each
 * device's offset near its simulated truth, mark the one that breaks the tolerance and the one
 * that does not answer, keep its numbers moving, draw the plots, give a newly opened page the
 * history, and show a last firing when one is reported. A screenshot lands in
 * {@code target/dashboard.png}. Skipped (with the reason) only when Chromium or chromedriver
 * is missing and {@code CI} is not {@code true}.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final long TOLERANCE_NANOS = 5_000_000;
    /** Each agent's clock ahead of the host's (the reference), and its rate error. */
    private static final long[] OFFSETS_NANOS = {20_000_000, -1_500_000, 800_000};
    private static final double[] DRIFTS_PPM = {12.0, -7.0, 3.0};

    private final List<AutoCloseable> open = new ArrayList<>();
    private WebDriver driver;

    @AfterEach
    void closeAll() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String why = "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium, chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but the browser is missing: " + why);
            }
            Assumptions.abort("skipped: " + why);
        }
    }

    private WebDriver startBrowser() {
        // Both paths given: Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1500",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        // The page's console, so a script error or a refused resource fails the test.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        return new ChromeDriver(service, options);
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** "+20.013 ms" or "−1.500 ms" as nanoseconds. */
    private static long parseMs(String text) {
        Matcher m = Pattern.compile("([+−-])?(\\d+\\.\\d+) ms").matcher(text.trim());
        assertTrue(m.matches(), "not a duration in ms: '" + text + "'");
        double ms = Double.parseDouble(m.group(2));
        return Math.round(("−".equals(m.group(1)) || "-".equals(m.group(1)) ? -ms : ms) * 1e6);
    }

    /**
     * One table row's mark and cell texts by column class, read in one script call so the
     * page's once-a-second update cannot change the row half-way through; null when absent.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> row(WebDriver d, String target) {
        return (Map<String, String>) ((JavascriptExecutor) d).executeScript(
                "const target = arguments[0];"
                        + "const tr = Array.from(document.querySelectorAll('#devices tbody tr'))"
                        + ".find(function (r) { return r.dataset.target === target; });"
                        + "if (!tr) { return null; }"
                        + "const out = { mark: tr.dataset.mark };"
                        + "Array.from(tr.cells).forEach(function (c) { out[c.className.replace('num ', '')] = c.textContent; });"
                        + "return out;", target);
    }

    /** The text of a row's phone cell, or "" when the row is absent. */
    private static String phoneCell(WebDriver d, String target) {
        Object text = ((JavascriptExecutor) d).executeScript(
                "const target = arguments[0];"
                        + "const tr = Array.from(document.querySelectorAll('#devices tbody tr.phone-row'))"
                        + ".find(function (r) { return r.dataset.phoneOf === target; });"
                        + "const td = tr && tr.querySelector('td.phone');"
                        + "return td ? td.textContent : '';", target);
        return text == null ? "" : text.toString();
    }

    @Test
    void showsTheFleetLiveInHeadlessChromium() throws Exception {
        requireBrowser();
        NtpServer reference = NtpServer.start(NtpServerConfig.builder(TimeSource.system())
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).rateLimit(NtpRateLimit.OFF).build());
        open.add(reference);
        Target referenceTarget = Target.parse("ntp://127.0.0.1:" + reference.port());
        List<Device> devices = new ArrayList<>();
        List<SimulatedTimeSource> clocks = new ArrayList<>();
        List<Agent> agents = new ArrayList<>();
        for (int i = 0; i < OFFSETS_NANOS.length; i++) {
            SimulatedTimeSource clock = new SimulatedTimeSource(TimeSource.system(), OFFSETS_NANOS[i], DRIFTS_PPM[i]);
            String name = String.format(Locale.ROOT, "headset-%02d", i + 1);
            Agent agent = Agent.start(AgentConfig.of(referenceTarget, name, new InetSocketAddress("127.0.0.1", 0))
                    .withLocal(clock).withIntervalNanos(500_000_000L));
            open.add(agent);
            agents.add(agent);
            clocks.add(clock);
            devices.add(Device.parse(name, "agent://127.0.0.1:" + agent.httpAddress().getPort()));
        }
        // Two Companion phones, tracked from the monitor: one recording, one with a low battery and storage.
        FakeCompanion recordingPhone = FakeCompanion.start(new SimulatedTimeSource(TimeSource.system(), 1_000_000L, 5.0));
        open.add(recordingPhone);
        new NeonClient("127.0.0.1", recordingPhone.httpPort(), 2_000_000_000L).startRecording();
        String recordingTarget = "neon://127.0.0.1:" + recordingPhone.httpPort();
        devices.add(Device.parse("neon-rec", recordingTarget));
        FakeCompanion tiredPhone = FakeCompanion.builder(new SimulatedTimeSource(TimeSource.system(), -500_000L, -4.0))
                .deviceName("Neon tired").battery(12).memory(400_000_000L).start();
        open.add(tiredPhone);
        String tiredTarget = "neon://127.0.0.1:" + tiredPhone.httpPort();
        devices.add(Device.parse("neon-tired", tiredTarget));
        // A device listed but never started: the page must say it does not answer.
        String goneTarget = "agent://127.0.0.1:" + unusedPort();
        devices.add(Device.parse("headset-gone", goneTarget));

        FleetMonitor monitor = FleetMonitor.open(FleetMonitor.Config.of(() -> devices, referenceTarget)
                .withToleranceNanos(TOLERANCE_NANOS));
        open.add(monitor);
        Dashboard dashboard = Dashboard.start(monitor, new InetSocketAddress("127.0.0.1", 0), 120_000_000_000L);
        open.add(dashboard);
        monitor.start();
        String url = "http://127.0.0.1:" + dashboard.address().getPort() + "/";

        driver = startBrowser();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        driver.get(url);

        // Rows appear, one per device.
        wait.until(d -> d.findElements(By.cssSelector("#devices tbody tr.device")).size() == devices.size());
        assertEquals("live", driver.findElement(By.id("connection")).getText());
        assertEquals("unreachable", row(driver, goneTarget).get("mark"));
        assertTrue(row(driver, goneTarget).get("status").startsWith("unreachable"), row(driver, goneTarget).toString());

        // Every agent syncs; its offset is near its simulated truth (within its bound plus a margin for
        // the drift between the poll and the check).
        String firstTarget = devices.get(0).target();
        wait.until(d -> devices.subList(0, OFFSETS_NANOS.length).stream()
                .allMatch(dev -> "SYNCED".equals(row(d, dev.target()).get("state"))));
        for (int i = 0; i < OFFSETS_NANOS.length; i++) {
            Map<String, String> r = row(driver, devices.get(i).target());
            long shown = parseMs(r.get("offset"));
            long bound = parseMs(r.get("bound"));
            long truth = clocks.get(i).aheadOfReferenceNanos();
            assertTrue(Math.abs(shown - truth) <= bound + 2_000_000,
                    devices.get(i).name() + ": shown " + shown + " ns ± " + bound + ", truth " + truth);
        }

        // The phones' health: the recording one shows its recording, the tired one its warnings.
        wait.until(d -> phoneCell(d, recordingTarget).contains("● REC")
                && phoneCell(d, tiredTarget).contains("LOW BATTERY"));
        String tired = phoneCell(driver, tiredTarget);
        assertTrue(tired.contains("battery 12%") && tired.contains("0.4 GB free") && tired.contains("LOW STORAGE")
                && tired.contains("Neon") && tired.contains("not recording"), tired);
        assertTrue(phoneCell(driver, recordingTarget).contains("battery "), phoneCell(driver, recordingTarget));
        assertEquals("", phoneCell(driver, firstTarget), "an agent has no phone health");
        // An event another tool posts into the recording reaches the page through the phone's status WebSocket.
        new NeonClient("127.0.0.1", recordingPhone.httpPort(), 2_000_000_000L).postEvent("stim.onset", null);
        wait.until(d -> phoneCell(d, recordingTarget).contains("last event stim.onset"));

        // headset-01 runs 20 ms ahead with a 5 ms tolerance: the fleet is out, and it is the one marked.
        wait.until(d -> "out_of_tolerance".equals(row(d, firstTarget).get("mark")));
        assertEquals("ok", row(driver, devices.get(1).target()).get("mark"));
        assertEquals("ok", row(driver, devices.get(2).target()).get("mark"));
        assertTrue(driver.findElement(By.id("fleet")).getDomAttribute("class").contains("bad"));
        assertEquals("OUT OF TOLERANCE", driver.findElement(By.id("verdict")).getText());
        long spread = parseMs(driver.findElement(By.id("spread")).getText().split("±")[0]);
        assertTrue(Math.abs(spread - 21_500_000) < 3_000_000, "spread " + spread);
        assertEquals(TOLERANCE_NANOS, parseMs(driver.findElement(By.id("tolerance")).getText()));

        // The numbers keep moving without a reload: the update time and the offsets change.
        String updated = driver.findElement(By.id("updated")).getText();
        String offsets = driver.findElement(By.cssSelector("#devices tbody")).getText();
        wait.until(d -> !d.findElement(By.id("updated")).getText().equals(updated));
        wait.until(d -> !d.findElement(By.cssSelector("#devices tbody")).getText().equals(offsets));

        // Both plots are drawn, with a point per second.
        assertEquals(1, driver.findElements(By.cssSelector("#offset-plot canvas")).size());
        assertEquals(1, driver.findElements(By.cssSelector("#spread-plot canvas")).size());
        JavascriptExecutor js = (JavascriptExecutor) driver;
        wait.until(d -> ((Number) js.executeScript("return window.lockstepDashboard.points()")).intValue() >= 8);
        assertEquals(devices.size(), ((Number) js.executeScript("return window.lockstepDashboard.plottedDevices()")).intValue());

        // A page opened now starts with the history the server kept, not an empty plot.
        int kept = ((Number) js.executeScript("return window.lockstepDashboard.points()")).intValue();
        driver.navigate().refresh();
        wait.until(d -> d.findElements(By.cssSelector("#offset-plot canvas")).size() == 1
                && ((Number) js.executeScript("return window.lockstepDashboard.points()")).intValue() >= kept);

        // The slot for the last firing (issue 9) appears when a firing is reported.
        assertTrue(!driver.findElement(By.id("last-firing")).isDisplayed());
        long instant = System.currentTimeMillis() * 1_000_000L;
        dashboard.lastFiring(new LastFiring("blink", instant, 180_000, 400_000, TOLERANCE_NANOS, false, List.of(
                new LastFiring.Device("headset-01", "fired", true, instant + 120_000, 200_000, 15_000, null),
                new LastFiring.Device("headset-02", "fired", true, instant - 60_000, 150_000, 9_000, null),
                new LastFiring.Device("headset-03", "fired", true, instant + 20_000, 100_000, 11_000, null),
                new LastFiring.Device("headset-gone", "unreachable", false, 0, 0, 0, "connection refused"))));
        wait.until(d -> d.findElement(By.id("last-firing")).isDisplayed());
        String summary = driver.findElement(By.id("firing-summary")).getText();
        assertTrue(summary.startsWith("blink at ") && summary.contains("3 of 4 fired"), summary);
        assertEquals(4, driver.findElements(By.cssSelector("#firing-devices tbody tr")).size());
        // A killed agent turns unreachable on the open page. The goal is 3 s (one poll plus the page's
        // update); how soon a browser on a busy machine shows it is printed, not judged: the wait's
        // own deadline is the only bound.
        Agent killed = agents.get(2);
        long killedAtNanos = System.nanoTime();
        killed.close();
        String killedTarget = devices.get(2).target();
        wait.until(d -> "unreachable".equals(row(d, killedTarget).get("mark")));
        long shownAfterMillis = (System.nanoTime() - killedAtNanos) / 1_000_000;
        System.out.println("dashboard: killed agent shown unreachable after " + shownAfterMillis + " ms");

        List<String> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(Object::toString).toList();
        assertEquals(List.of(), severe, "errors in the page's console");

        File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        Path png = Path.of("target", "dashboard.png");
        Files.createDirectories(png.getParent());
        Files.copy(shot.toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(png) > 10_000, "screenshot " + png + " has " + Files.size(png) + " bytes");
    }
}
