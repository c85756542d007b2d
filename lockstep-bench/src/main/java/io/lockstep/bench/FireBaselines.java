package io.lockstep.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.lockstep.sim.ImpairProxy;
import io.lockstep.sim.LinkModel;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The ways a fleet is fired today, run on this machine so {@code bench fleet-fire} and the demo
 * can put them beside Lockstep: the seed's bash loop (real {@code bash} processes polling
 * {@code date} every 50 ms, perfectly synced since they all read this host's clock) and a
 * careful one (one sleep, then a poll of {@code EPOCHREALTIME}); a control of perfectly synced
 * threads doing the agents' own action; firing on
 * receipt of one UDP datagram per device (loopback, optionally through a simulated link); and a
 * {@link ScheduledExecutorService} per device on that device's own unsynced clock. The truth of
 * every action is this host's wall clock at the instant it ran. Stateless; every run starts and
 * stops its own processes, sockets and threads, and gives up after a bounded time.
 */
public final class FireBaselines {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    /** The seed's poll period. */
    public static final long BASH_POLL_NANOS = 50 * MS;

    /**
     * The seed's loop, one line per target instant (ns since the epoch, whole seconds as the
     * makers use): poll {@code date} every 50 ms until it reaches the target, then act; the act
     * is one more {@code date}, which prints the instant the action ran.
     */
    static final String BASH_LOOP = """
            for t in "$@"; do
              while :; do
                now=$(date +%s%N)
                (( now >= t )) && break
                sleep 0.05
              done
              date +%s%N
            done
            """;

    /**
     * A careful bash loop, one line per target instant: compute the time left, sleep once until
     * a few ms before it (one {@code sleep}, a fork and exec), then poll bash's own
     * {@code EPOCHREALTIME} (no fork) until the instant; the act is one {@code echo} of the
     * instant it read, a line to a pipe as Lockstep's {@code line} action.
     */
    static final String CAREFUL_BASH_LOOP = """
            early=5000000
            for t in "$@"; do
              now=${EPOCHREALTIME//[!0-9]/}000
              left=$(( t - now - early ))
              if (( left > 0 )); then
                sleep "$(( left / 1000000000 )).$(printf '%09d' $(( left % 1000000000 )))"
              fi
              while :; do
                now=${EPOCHREALTIME//[!0-9]/}000
                (( now >= t )) && break
              done
              echo "$now"
            done
            """;

    private FireBaselines() {
    }

    /** A simulated device clock: how far it reads ahead of the host at the start, and its drift. */
    public record DeviceClock(long offsetNanos, double driftPpm) {
    }

    /**
     * {@code devices} clocks with offsets uniform in ±{@code maxOffsetNanos} and drifts uniform in
     * ±{@code maxDriftPpm}, the same for the same seed.
     */
    public static List<DeviceClock> drawClocks(int devices, long maxOffsetNanos, double maxDriftPpm, long seed) {
        Random r = new Random(seed);
        List<DeviceClock> out = new ArrayList<>(devices);
        for (int d = 0; d < devices; d++) {
            long offset = Math.round((2 * r.nextDouble() - 1) * maxOffsetNanos);
            double drift = Math.round((2 * r.nextDouble() - 1) * maxDriftPpm * 1000) / 1000.0;
            out.add(new DeviceClock(offset, drift));
        }
        return out;
    }

    /**
     * The seed's bash loop: {@code devices} real {@code bash} processes, each given the same
     * {@code firings} whole-second targets one second apart, polling {@code date} every 50 ms.
     * Takes about {@code firings + 2} seconds. A process that prints nothing for a target (it was
     * stopped at the deadline) counts as missed.
     *
     * @throws IOException when bash cannot be started
     */
    public static FireRun bashLoop(int devices, int firings) throws IOException, InterruptedException {
        return bash("bash loop, date every 50 ms (synced clocks)", BASH_LOOP, devices, firings);
    }

    /**
     * The careful bash loop ({@link #CAREFUL_BASH_LOOP}): {@code devices} real {@code bash}
     * processes, the same targets as {@link #bashLoop}, on this host's clock (perfectly synced).
     */
    public static FireRun carefulBash(int devices, int firings) throws IOException, InterruptedException {
        return bash("bash, sleep once then poll EPOCHREALTIME (synced clocks)", CAREFUL_BASH_LOOP, devices, firings);
    }

    private static FireRun bash(String method, String script, int devices, int firings)
            throws IOException, InterruptedException {
        FireRun run = new FireRun(method, devices, firings);
        long now = TimeSource.system().wallNanos();
        // Leave the processes time to start; targets on whole seconds as `date +%s` compares them.
        long first = (now / S + 2) * S;
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "lockstep-bash-loop"));
        for (int k = 0; k < firings; k++) {
            run.reference(k, first + k * S);
            command.add(Long.toString(first + k * S));
        }
        List<Process> processes = new ArrayList<>();
        try {
            for (int d = 0; d < devices; d++) {
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
            }
            long deadlineMono = System.nanoTime() + (first + (firings - 1) * S - now) + 5 * S;
            for (int d = 0; d < devices; d++) {
                Process p = processes.get(d);
                long left = deadlineMono - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    destroy(p);
                }
                String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n");
                int k = 0;
                for (String line : lines) {
                    if (k < firings && line.strip().matches("[0-9]{10,}")) {
                        run.record(k++, d, Long.parseLong(line.strip()));
                    }
                }
            }
        } finally {
            for (Process p : processes) {
                destroy(p);
            }
        }
        run.missUnrecorded("no output by the deadline");
        return run;
    }

    private static void destroy(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Firing on receipt: {@code devices} listeners (threads of this process, each its own UDP
     * socket on loopback) act when a datagram arrives; at each reference instant one sender sends
     * one datagram to each, directly or, with {@code link}, each through its own
     * {@link ImpairProxy} on that link model. Firings are {@code spacingNanos} apart; a datagram
     * the link loses is a missed action.
     */
    public static FireRun broadcast(int devices, int firings, long spacingNanos, LinkModel link, String linkName,
                                    long seed) throws IOException, InterruptedException {
        FireRun run = new FireRun("on receipt of one UDP datagram" + (link == null ? " (loopback)" : " (" + linkName + ")"),
                devices, firings);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        List<DatagramSocket> sockets = new ArrayList<>();
        List<ImpairProxy> proxies = new ArrayList<>();
        List<Thread> listeners = new ArrayList<>();
        try (DatagramSocket sender = new DatagramSocket(loopback)) {
            List<InetSocketAddress> destinations = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                DatagramSocket s = new DatagramSocket(loopback);
                sockets.add(s);
                InetSocketAddress address = (InetSocketAddress) s.getLocalSocketAddress();
                if (link != null) {
                    ImpairProxy proxy = ImpairProxy.udp(loopback, address, link, seed + d);
                    proxies.add(proxy);
                    address = proxy.localAddress();
                }
                destinations.add(address);
                int device = d;
                Thread t = new Thread(() -> listen(s, device, run), "fire-listener-" + d);
                t.setDaemon(true);
                listeners.add(t);
                t.start();
            }
            long next = TimeSource.system().wallNanos() + 200 * MS;
            for (int k = 0; k < firings; k++) {
                run.reference(k, next);
                sleepUntilHostWall(next);
                byte[] payload = ByteBuffer.allocate(4).putInt(k).array();
                for (InetSocketAddress to : destinations) {
                    sender.send(new DatagramPacket(payload, payload.length, to));
                }
                next += spacingNanos;
            }
            // Let the slowest datagram (a Wi-Fi spike is up to a few hundred ms) arrive.
            Thread.sleep(link == null ? 100 : 1000);
        } finally {
            for (ImpairProxy p : proxies) {
                p.close();
            }
            for (DatagramSocket s : sockets) {
                s.close();
            }
            for (Thread t : listeners) {
                t.join(2000);
            }
        }
        run.missUnrecorded(link == null ? "no datagram" : "datagram lost on the link");
        return run;
    }

    private static void listen(DatagramSocket socket, int device, FireRun run) {
        byte[] buf = new byte[16];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                long hostWall = TimeSource.system().wallNanos();
                int k = ByteBuffer.wrap(buf, 0, 4).getInt();
                if (p.getLength() == 4 && k >= 0 && k < run.firings()) {
                    run.record(k, device, hostWall);
                }
            } catch (IOException e) {
                // Closed at the end of the run (or broken): this listener is done.
                return;
            }
        }
    }

    /**
     * Each device schedules every firing on a {@link ScheduledExecutorService} of its own, at the
     * delay its own clock (one of {@code clocks}: offset and drift, never corrected) says is left
     * until the reference instant. Firings are {@code spacingNanos} apart, the first far enough
     * ahead that no device's clock already reads past it.
     */
    public static FireRun unsyncedExecutors(List<DeviceClock> clocks, int firings, long spacingNanos)
            throws InterruptedException {
        int devices = clocks.size();
        FireRun run = new FireRun("ScheduledExecutorService on unsynced device clocks", devices, firings);
        TimeSource host = TimeSource.system();
        long maxAhead = 0;
        for (DeviceClock c : clocks) {
            maxAhead = Math.max(maxAhead, Math.abs(c.offsetNanos()));
        }
        long first = host.wallNanos() + maxAhead + 300 * MS;
        List<ScheduledExecutorService> executors = new ArrayList<>();
        try {
            for (int k = 0; k < firings; k++) {
                run.reference(k, first + k * spacingNanos);
            }
            for (int d = 0; d < devices; d++) {
                DeviceClock c = clocks.get(d);
                SimulatedTimeSource deviceClock = new SimulatedTimeSource(host, c.offsetNanos(), c.driftPpm());
                ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "unsynced-device");
                    t.setDaemon(true);
                    return t;
                });
                executors.add(ex);
                int device = d;
                for (int k = 0; k < firings; k++) {
                    int firing = k;
                    long delay = run.reference(k) - deviceClock.wallNanos();
                    ex.schedule(() -> run.record(firing, device, host.wallNanos()), delay,
                            TimeUnit.NANOSECONDS);
                }
            }
            for (ScheduledExecutorService ex : executors) {
                ex.shutdown();
            }
            long waitNanos = first + firings * spacingNanos + 2 * maxAhead + S - host.wallNanos();
            long deadline = System.nanoTime() + waitNanos;
            for (ScheduledExecutorService ex : executors) {
                ex.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } finally {
            for (ScheduledExecutorService ex : executors) {
                ex.shutdownNow();
            }
        }
        run.missUnrecorded("not run by the deadline");
        return run;
    }

    /**
     * The control: {@code devices} threads of this process, perfectly synced (they all read this
     * host's clock), each parking until {@code spinNanos} before every instant and spinning the
     * rest, as Lockstep's scheduler does, then performing the same action as the bench's agents:
     * one line to the stdin of its own {@code cat} (output discarded). What is left of their
     * spread is this machine's (wake-ups, cores, the pipe), not synchronisation. Firings are
     * {@code spacingNanos} apart; the truth is the host clock read right before the write.
     *
     * @throws IOException when {@code cat} cannot be started
     */
    public static FireRun syncedThreads(int devices, int firings, long spacingNanos, long spinNanos)
            throws IOException, InterruptedException {
        FireRun run = new FireRun("control: " + devices + " synced threads in one JVM, same action", devices, firings);
        TimeSource host = TimeSource.system();
        long first = host.wallNanos() + 300 * MS;
        for (int k = 0; k < firings; k++) {
            run.reference(k, first + k * spacingNanos);
        }
        List<Process> cats = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int d = 0; d < devices; d++) {
                Process cat = new ProcessBuilder("cat").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                cats.add(cat);
                int device = d;
                Thread t = new Thread(() -> {
                    java.io.OutputStream stdin = cat.getOutputStream();
                    for (int k = 0; k < firings; k++) {
                        long due = run.reference(k);
                        long left;
                        while ((left = due - host.wallNanos()) > spinNanos) {
                            LockSupport.parkNanos(left - spinNanos);
                        }
                        while (host.wallNanos() < due) {
                            Thread.onSpinWait();
                        }
                        long stamp = host.wallNanos();
                        try {
                            stdin.write(("fire control " + due + " " + k + "\n").getBytes(StandardCharsets.US_ASCII));
                            stdin.flush();
                            run.record(k, device, stamp);
                        } catch (IOException e) {
                            run.miss(k, device, "pipe closed");
                        }
                    }
                }, "control-device-" + d);
                t.setDaemon(true);
                threads.add(t);
            }
            for (Thread t : threads) {
                t.start();
            }
            long deadline = System.nanoTime() + (first - host.wallNanos()) + firings * spacingNanos + 5 * S;
            for (Thread t : threads) {
                t.join(Math.max(1, (deadline - System.nanoTime()) / MS));
            }
        } finally {
            for (Process p : cats) {
                try {
                    p.getOutputStream().close();
                } catch (IOException e) {
                    // Gone already.
                }
                destroy(p);
            }
        }
        run.missUnrecorded("not run by the deadline");
        return run;
    }

    /** Parks, then spins, until this host's wall clock reads {@code wallNanos}. */
    static void sleepUntilHostWall(long wallNanos) {
        TimeSource host = TimeSource.system();
        long left;
        while ((left = wallNanos - host.wallNanos()) > 2 * MS) {
            LockSupport.parkNanos(left - 2 * MS);
        }
        while (host.wallNanos() < wallNanos) {
            Thread.onSpinWait();
        }
    }
}
