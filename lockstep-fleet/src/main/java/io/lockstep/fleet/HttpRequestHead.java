package io.lockstep.fleet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.Headers;

/**
 * The head of one HTTP/1.1 request (request line, header fields, and the body length they
 * declare) as {@link GuardedHttpServer} reads it from a client's bytes, kept apart from the
 * sockets so it can be tested and fuzzed on any byte stream: {@link #read} gives a head within
 * the {@link HttpLimits} or a {@link BadRequest} carrying the 4xx status to answer with. It
 * reads the head only, leaving the body in the stream. Immutable once read, except that
 * {@link #headers()} is the mutable JDK map handed to handlers; not for sharing across threads.
 *
 * @param method        the request method, an RFC 9110 token
 * @param uri           the request target, an origin-form path with optional query
 * @param protocol      {@code HTTP/1.}something
 * @param headers       the header fields, names normalised by {@link Headers}
 * @param contentLength the body's length in bytes, 0 without a {@code Content-Length},
 *                      at most {@link HttpLimits#maxBodyBytes()}
 */
record HttpRequestHead(String method, URI uri, String protocol, Headers headers, int contentLength) {

    /** A request that cannot be served, answered with {@link #status} before any handler runs. */
    static final class BadRequest extends Exception {
        private final int status;

        BadRequest(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        /** The 4xx status to answer with. */
        int status() {
            return status;
        }
    }

    /** Whether the client waits for {@code 100 Continue} before sending its body. */
    boolean expectsContinue() {
        return contentLength > 0 && "100-continue".equalsIgnoreCase(headers.getFirst("Expect"));
    }

    /**
     * Reads a request head from {@code in}, up to and including the blank line that ends it.
     *
     * @throws BadRequest  when the head is malformed (400), longer than
     *                     {@link HttpLimits#maxHeaderBytes()} (431), announces a chunked body (411)
     *                     or a body longer than {@link HttpLimits#maxBodyBytes()} (413)
     * @throws IOException when {@code in} fails or ends before the head does
     */
    static HttpRequestHead read(InputStream in, HttpLimits limits) throws IOException, BadRequest {
        byte[] head = readHead(in, limits.maxHeaderBytes());
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].endsWith("\r")) {
                lines[i] = lines[i].substring(0, lines[i].length() - 1);
            }
        }
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !isToken(requestLine[0])
                || !requestLine[1].startsWith("/")) {
            throw new BadRequest(400, "malformed request line");
        }
        URI uri;
        try {
            uri = new URI(requestLine[1]);
        } catch (URISyntaxException e) {
            throw new BadRequest(400, "malformed request target");
        }
        Headers headers = new Headers();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new BadRequest(400, "malformed header line");
            }
            String value = line.substring(colon + 1).trim();
            if (value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                // RFC 9110 5.5: reject, not pass on (the JDK's Headers would throw on a lone CR, unanswered).
                throw new BadRequest(400, "control character in a header value");
            }
            headers.add(line.substring(0, colon), value);
        }
        if (headers.containsKey("Transfer-Encoding")) {
            throw new BadRequest(411, "a request body needs a Content-Length");
        }
        int length = 0;
        List<String> lengths = headers.get("Content-Length");
        if (lengths != null) {
            if (lengths.size() != 1) {
                throw new BadRequest(400, "more than one Content-Length");
            }
            String digits = lengths.get(0);
            // 1*DIGIT only (RFC 9110 8.6): Long.parseLong would also take a sign.
            if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadRequest(400, "malformed Content-Length");
            }
            long n;
            try {
                n = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "malformed Content-Length");
            }
            if (n > limits.maxBodyBytes()) {
                throw new BadRequest(413, "a request body is at most " + limits.maxBodyBytes() + " bytes");
            }
            length = (int) n;
        }
        return new HttpRequestHead(requestLine[0], uri, requestLine[2], headers, length);
    }

    private static byte[] readHead(InputStream in, int maxHeaderBytes) throws IOException, BadRequest {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int newlines = 0;
        int skipped = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed before ending its headers");
            }
            if (b == '\n') {
                if (++newlines == 2) {
                    return head.toByteArray();
                }
            } else if (b != '\r') {
                newlines = 0;
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                // Blank lines before a request line are tolerated (RFC 9112, 2.2).
                newlines = 0;
                // Counted against the limit, so an endless stream of blank lines is refused too.
                if (++skipped > maxHeaderBytes) {
                    throw new BadRequest(431, "request headers exceed " + maxHeaderBytes + " bytes");
                }
                continue;
            }
            head.write(b);
            if (head.size() > maxHeaderBytes) {
                throw new BadRequest(431, "request headers exceed " + maxHeaderBytes + " bytes");
            }
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
