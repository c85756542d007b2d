package io.lockstep.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private, real Prometheus server (Debian's {@code /usr/bin/prometheus}) for benches and
 * end-to-end tests: started by this class on a free loopback port with its own configuration
 * and a temporary storage directory, queried over its HTTP API, and stopped (only the process
 * it started) and its directory removed by {@link #close()}. It never touches a system
 * Prometheus: nothing here reads or writes /etc/prometheus or /var/lib/prometheus. Every wait is
 * bounded. Not thread-safe.
 */
public final class PrometheusServer implements AutoCloseable {

    /** Debian's Prometheus server. */
    public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[-0-9.e+]+,\"([^\"]+)\"\\]");

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Whether Debian's prometheus is installed here. */
    public static boolean available() {
        return Files.isExecutable(PROMETHEUS);
    }

    /**
     * Starts Prometheus with {@code files} (name → content: {@code prometheus.yml} and whatever it
     * names, such as rule files and the file_sd target list) in a fresh temporary directory, and
     * waits (at most {@code readyTimeoutNanos}) until it answers {@code /-/ready}.
     *
     * @throws IOException when it exits or is not ready in time (its log in the message)
     */
    public static PrometheusServer start(java.util.Map<String, String> files, long readyTimeoutNanos)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("lockstep-prometheus");
        for (var e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(dir, p, port);
        long deadline = System.nanoTime() + readyTimeoutNanos;
        try {
            while (true) {
                if (!p.isAlive()) {
                    throw new IOException("prometheus exited " + p.exitValue() + ": " + tail(log));
                }
                try {
                    HttpResponse<String> r = server.get("/-/ready");
                    if (r.statusCode() == 200) {
                        return server;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("prometheus not ready within " + readyTimeoutNanos / 1_000_000_000L + " s: "
                            + tail(log));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Where it listens, {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Its private directory (configuration, storage, log). */
    public Path dir() {
        return dir;
    }

    /** The process (for CPU and memory readings). */
    public Process process() {
        return process;
    }

    /**
     * The values of an instant query's result vector, in the order Prometheus gives them (empty
     * when the result is empty).
     *
     * @throws IOException when the query fails
     */
    public List<Double> query(String promql) throws IOException, InterruptedException {
        return query(promql, Double.NaN);
    }

    /**
     * As {@link #query(String)}, evaluated at {@code evalTimeSeconds} (Unix seconds; NaN: now), so
     * several queries see the same samples.
     */
    public List<Double> query(String promql, double evalTimeSeconds) throws IOException, InterruptedException {
        String at = Double.isNaN(evalTimeSeconds) ? "" : "&time=" + String.format(java.util.Locale.ROOT, "%.3f", evalTimeSeconds);
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + at);
        if (r.statusCode() != 200 || !r.body().contains("\"status\":\"success\"")) {
            throw new IOException("query " + promql + " answered " + r.statusCode() + ": " + r.body());
        }
        List<Double> out = new ArrayList<>();
        Matcher m = VALUE.matcher(r.body());
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    /** The one value of a query expected to give one series, or NaN when it gives none. */
    public double scalar(String promql) throws IOException, InterruptedException {
        return scalar(promql, Double.NaN);
    }

    /** As {@link #scalar(String)}, evaluated at {@code evalTimeSeconds} (NaN: now). */
    public double scalar(String promql, double evalTimeSeconds) throws IOException, InterruptedException {
        List<Double> v = query(promql, evalTimeSeconds);
        if (v.size() > 1) {
            throw new IOException("query " + promql + " gave " + v.size() + " series, expected one");
        }
        return v.isEmpty() ? Double.NaN : v.get(0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops the process this instance started (SIGTERM, then SIGKILL after 10 s) and removes its directory. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
