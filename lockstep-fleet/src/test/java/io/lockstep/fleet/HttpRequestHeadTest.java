package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Edge cases of {@link HttpRequestHead#read}: what is accepted, and the status of each refusal. */
class HttpRequestHeadTest {

    private static final HttpLimits LIMITS = HttpLimits.agentDefaults();

    private static HttpRequestHead read(String head) throws Exception {
        return HttpRequestHead.read(new ByteArrayInputStream(head.getBytes(StandardCharsets.ISO_8859_1)), LIMITS);
    }

    private static int status(String head) {
        return assertThrows(HttpRequestHead.BadRequest.class, () -> read(head)).status();
    }

    @Test
    void readsAPostAndLeavesItsBodyInTheStream() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(
                "\r\nPOST /api/triggers?x=1 HTTP/1.1\r\nHost: a\r\ncontent-length: 2\r\nExpect: 100-continue\r\n\r\n{}"
                        .getBytes(StandardCharsets.ISO_8859_1));
        HttpRequestHead h = HttpRequestHead.read(in, LIMITS);
        assertEquals("POST", h.method());
        assertEquals("/api/triggers", h.uri().getRawPath());
        assertEquals("x=1", h.uri().getRawQuery());
        assertEquals("HTTP/1.1", h.protocol());
        assertEquals(2, h.contentLength());
        assertEquals(List.of("a"), h.headers().get("Host"));
        assertEquals(true, h.expectsContinue());
        assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
    }

    @Test
    void bareLineFeedsEndLinesToo() throws Exception {
        HttpRequestHead h = read("GET / HTTP/1.0\nHost: a\n\n");
        assertEquals(0, h.contentLength());
        assertEquals("a", h.headers().getFirst("host"));
    }

    @Test
    void contentLengthOutsideALongIsMalformedNotWrapped() {
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 18446744073709551617\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"));
    }

    @Test
    void contentLengthIsDigitsOnly() {
        // Long.parseLong takes a sign; RFC 9110 8.6 does not, and a proxy in front may read it otherwise.
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\n"));
    }

    @Test
    void aBodyOverTheLimitIs413EvenIfItFitsALong() {
        assertEquals(413, status("POST / HTTP/1.1\r\nContent-Length: " + (LIMITS.maxBodyBytes() + 1) + "\r\n\r\n"));
        assertEquals(413, status("POST / HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\n"));
    }

    @Test
    void duplicateLengthsAreRefusedEvenWhenEqual() {
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 3\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n"));
    }

    @Test
    void chunkedOrAnyTransferEncodingNeedsALength() {
        assertEquals(411, status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(411, status("POST / HTTP/1.1\r\nContent-Length: 2\r\ntransfer-encoding: identity\r\n\r\n"));
    }

    @Test
    void headersOverTheLimitAre431() {
        String big = "GET / HTTP/1.1\r\nX: " + "a".repeat(LIMITS.maxHeaderBytes()) + "\r\n\r\n";
        assertEquals(431, status(big));
    }

    @Test
    void endlessBlankLinesBeforeTheRequestCountAgainstTheLimit() {
        // Tolerated before a request line (RFC 9112 2.2), but not without end.
        assertEquals(431, status("\r\n".repeat(LIMITS.maxHeaderBytes()) + "GET / HTTP/1.1\r\n\r\n"));
    }

    @Test
    void malformedLinesAre400() {
        assertEquals(400, status("GET  / HTTP/1.1\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/2\r\n\r\n"));
        assertEquals(400, status("GET http://a/ HTTP/1.1\r\n\r\n"));
        assertEquals(400, status("GET /a b HTTP/1.1\r\n\r\n"));
        assertEquals(400, status("GET /% HTTP/1.1\r\n\r\n"));
        assertEquals(400, status("G\u00e9T / HTTP/1.1\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nNo colon\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nBad name: x\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\n: x\r\n\r\n"));
        // obs-fold: refused with 400, as RFC 9112 5.2 allows.
        assertEquals(400, status("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"));
    }

    @Test
    void controlCharactersInAValueAre400NotARuntimeException() {
        // The JDK's Headers throws IllegalArgumentException for a lone CR; the server then sent no answer.
        assertEquals(400, status("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n"));
    }

    @Test
    void nonAsciiValuesAreKeptAsLatin1() throws Exception {
        assertEquals("caf\u00e9", read("GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n").headers().getFirst("X"));
    }

    @Test
    void aStreamEndingInTheHeadIsAnIoException() {
        assertThrows(IOException.class, () -> read("GET / HTTP/1.1\r\nHost: a\r\n"));
        assertThrows(IOException.class, () -> read(""));
    }
}
