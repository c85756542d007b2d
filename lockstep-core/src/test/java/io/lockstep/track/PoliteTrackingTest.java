package io.lockstep.track;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lockstep.clock.SampleVerdict;
import io.lockstep.clock.TrackRecord;
import io.lockstep.net.NtpRateLimit;
import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.protocol.Target;
import io.lockstep.time.TimeSource;

/**
 * A tracker told to slow down slows down: against a real NTP server that allows 4 requests a
 * second, a tracker asked to poll every 20 ms backs off on the RATE kiss-o'-death (doubling its
 * interval, as RFC 5905 asks, and on every unanswered request after it) until it is answered
 * again, and says so.
 */
class PoliteTrackingTest {

    @Test
    void aRateKissDoublesTheIntervalUntilTheServerAnswersAgain() throws Exception {
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0)
                .rateLimit(NtpRateLimit.of(4, 4)).build())) {
            Target target = Target.parse("ntp://127.0.0.1:" + server.port());
            TrackingOptions options = TrackingOptions.defaults().withIntervalNanos(20_000_000L);
            List<TrackRecord> records = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            long intervalAtEnd;
            try (Tracker tracker = Tracker.open(target, options)) {
                tracker.run(4_000_000_000L, 0, null, r -> {
                    records.add(r);
                    if (!r.hasSample()) {
                        failures.add(String.valueOf(tracker.lastFailure()));
                    }
                });
                intervalAtEnd = tracker.intervalNanos();
            }
            long requests = server.counters().answered() + server.counters().rateLimited();
            // Without backing off: one request per timeout (100 ms), about 36 in 4 s, nearly all unanswered.
            System.out.println("requests sent: " + requests + ", interval at end " + intervalAtEnd + " ns");
            assertTrue(requests <= 20, "requests sent: " + requests + ", records " + records.size());
            assertTrue(server.counters().kissesSent() >= 1 && server.counters().kissesSent() <= 3,
                    "kisses: " + server.counters().kissesSent());
            assertTrue(intervalAtEnd >= 160_000_000L, "interval after backing off: " + intervalAtEnd);
            assertTrue(failures.stream().anyMatch(f -> f.contains("slow down") && f.contains("interval now")),
                    "the status says why and how: " + failures);
            int lastKiss = -1;
            for (int i = 0; i < records.size(); i++) {
                if (!records.get(i).hasSample()) {
                    lastKiss = i;
                }
            }
            boolean answeredAfter = false;
            for (int i = lastKiss + 1; i < records.size(); i++) {
                answeredAfter |= records.get(i).verdict() != SampleVerdict.DROPPED;
            }
            assertTrue(answeredAfter || lastKiss < 0, "answered again after backing off: " + records);
        }
    }
}
