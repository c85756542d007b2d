package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import io.lockstep.clock.ClockModel;
import io.lockstep.clock.SyncedClock;
import io.lockstep.fleet.JsonText;
import io.lockstep.fleet.action.ActionRunner;
import io.lockstep.fleet.action.ActionsFile;
import io.lockstep.schedule.SchedulerOptions;
import io.lockstep.time.TimeSource;

/**
 * Coverage-guided fuzzing of the agent's trigger desk as the network reaches it: any method,
 * path and body sent to {@link TriggerDesk#handle} gets exactly one answer, 2xx or 4xx (never a
 * 5xx, never an exception), with a JSON body that names the error; and every journal line is
 * free of control characters. Half the inputs are triggers the harness signs with the desk's
 * key, so the checks behind the signature (expiry, replay, action, instant, bound) are reached
 * too. The desk is one for the whole run, on a clock that is synced. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/trigger/TriggerDeskFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TriggerDeskFuzzTest {

    /** Refusals are logged at WARNING; millions of them would be most of the run's time (held: JUL keeps loggers weakly). */
    private static final java.util.logging.Logger QUIET = quiet();
    private static final FleetKey KEY = FleetKey.of(new byte[32]);
    private static final List<String> JOURNAL = new CopyOnWriteArrayList<>();
    private static final TriggerDesk DESK = desk();
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "get", ""};

    private static java.util.logging.Logger quiet() {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(TriggerDesk.class.getName());
        l.setLevel(java.util.logging.Level.OFF);
        return l;
    }

    private static TriggerDesk desk() {
        try {
            Path dir = Files.createTempDirectory("desk-fuzz");
            dir.toFile().deleteOnExit();
            ActionsFile actions = ActionsFile.parse("mark write " + dir.resolve("mark") + " 1\n", "fuzz actions", dir);
            ActionRunner runner = ActionRunner.start(actions, ProcessBuilder.Redirect.DISCARD);
            TimeSource local = TimeSource.system();
            SyncedClock.Feed feed = SyncedClock.create(local, Long.MAX_VALUE);
            long t = local.wallNanos();
            // Synced for the whole run: a model with a small bound and no drift.
            feed.publish(new ClockModel(t, 0, 0, 1_000, 0.01, 10_000, t, 100, t - 100_000_000_000L, 0, true),
                    Long.MAX_VALUE / 2);
            TriggerDesk desk = new TriggerDesk("fuzz", feed.clock(), runner, KEY,
                    TriggerDesk.Limits.defaults().withReplayCapacity(64), SchedulerOptions.defaults());
            desk.addJournal(JOURNAL::add);
            return desk;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest
    void anyRequest(FuzzedDataProvider data) throws Exception {
        JOURNAL.clear();
        FakeExchange ex;
        if (data.consumeBoolean()) {
            ex = signedPost(data);
            if (ex == null) {
                return;
            }
        } else {
            String method = METHODS[data.consumeInt(0, METHODS.length - 1)];
            String path = data.consumeBoolean() ? TriggerDesk.PATH : TriggerDesk.PATH + data.consumeString(80);
            URI uri;
            try {
                uri = new URI(path);
            } catch (URISyntaxException e) {
                return;
            }
            ex = new FakeExchange(method, uri, data.consumeRemainingAsBytes());
        }
        DESK.handle(ex);
        int status = ex.status();
        assertEquals(1, ex.headersSent(), "one answer per request");
        assertTrue(ex.closed(), "the exchange is closed");
        assertTrue(status == 200 || status == 202 || (status >= 400 && status < 500), () -> "status " + status);
        if (!"HEAD".equals(ex.getRequestMethod())) {
            Map<String, Object> answer = JsonText.object(ex.answer());
            if (status >= 400) {
                assertTrue(answer.get("error") instanceof String, () -> "no error in " + ex.answer());
            }
        }
        for (String line : JOURNAL) {
            assertTrue(line.codePoints().noneMatch(Character::isISOControl), () -> "control character in " + line);
        }
    }

    /** A trigger the harness signs, its instants relative to now so that some lie ahead. */
    private static FakeExchange signedPost(FuzzedDataProvider data) {
        long now = TimeSource.system().wallNanos();
        Trigger t;
        try {
            String id = data.consumeBoolean() ? Trigger.newId() : data.consumeString(70);
            String action = data.consumeBoolean() ? "mark" : data.consumeString(70);
            long at = data.consumeBoolean() ? now + data.consumeLong(-10_000_000_000L, 4_000_000_000_000L)
                    : data.consumeLong();
            long expires = data.consumeBoolean() ? at + data.consumeLong(-1_000_000_000L, 1_000_000_000L)
                    : data.consumeLong();
            long every = data.consumeBoolean() ? 0 : data.consumeLong(0, Long.MAX_VALUE);
            // Few firings: an accepted trigger is scheduled for real; counts at the limits are TriggerJsonFuzzTest's.
            int count = data.consumeInt(0, 4);
            long maxBound = data.consumeLong(-1, Long.MAX_VALUE);
            t = new Trigger(id, action, at, expires, every, count, maxBound, null).signedWith(KEY);
        } catch (IllegalArgumentException notATrigger) {
            return null;
        }
        byte[] body = io.lockstep.fleet.JsonText.write(TriggerJson.toMap(t)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new FakeExchange("POST", URI.create(TriggerDesk.PATH), body);
    }
}
