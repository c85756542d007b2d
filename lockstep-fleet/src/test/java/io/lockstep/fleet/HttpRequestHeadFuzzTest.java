package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of what {@link GuardedHttpServer} reads from anyone on the LAN before a
 * handler runs: any bytes through {@link HttpRequestHead#read} give a head within the limits
 * (a token method, an origin-form target, a body length in [0, max body], no chunked body,
 * values without CR, LF or NUL), a {@link HttpRequestHead.BadRequest} with a 4xx status, or an
 * {@link IOException} for a stream that ends early; never another exception. Corpus under
 * {@code src/test/resources/io/lockstep/fleet/HttpRequestHeadFuzzTestInputs/}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HttpRequestHeadFuzzTest {

    /** Small limits, so the 431 path is reached by inputs the fuzzer can build. */
    private static final HttpLimits LIMITS = new HttpLimits(4, 2, 1_000_000_000L, 1_000_000_000L, 256, 64);

    @FuzzTest
    void anyRequestHead(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        HttpRequestHead h;
        try {
            h = HttpRequestHead.read(in, LIMITS);
        } catch (HttpRequestHead.BadRequest e) {
            assertTrue(e.status() >= 400 && e.status() < 500, () -> "status " + e.status());
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal has a reason");
            return;
        } catch (IOException e) {
            assertEquals(0, in.available(), "an early end is reported only at the end of the stream");
            return;
        }
        int consumed = bytes.length - in.available();
        assertTrue(h.contentLength() >= 0 && h.contentLength() <= LIMITS.maxBodyBytes(), () -> "length " + h.contentLength());
        assertTrue(h.uri().getRawPath() != null && h.uri().getRawPath().startsWith("/") || h.uri().getRawPath().isEmpty(),
                () -> "target " + h.uri());
        assertTrue(h.protocol().startsWith("HTTP/1."), h::protocol);
        assertTrue(!h.method().isEmpty() && h.method().chars().allMatch(c -> c > 32 && c < 127), h::method);
        assertTrue(!h.headers().containsKey("Transfer-Encoding"), "no chunked body gets through");
        List<String> lengths = h.headers().get("Content-Length");
        assertTrue(lengths == null || lengths.size() == 1, "one length at most");
        for (Map.Entry<String, List<String>> e : h.headers().entrySet()) {
            for (String v : e.getValue()) {
                assertTrue(v.indexOf('\r') < 0 && v.indexOf('\n') < 0 && v.indexOf('\0') < 0, () -> "value " + v);
            }
        }
        assertTrue(consumed > 0, "a head is read from the stream");
    }
}
