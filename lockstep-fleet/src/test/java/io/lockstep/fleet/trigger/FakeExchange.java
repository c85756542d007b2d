package io.lockstep.fleet.trigger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * An {@link HttpExchange} in memory, for driving a handler with any method, path and body
 * without a socket (the fuzz targets run millions of requests). Records the status and the
 * body the handler answered. Not thread-safe; one request.
 */
final class FakeExchange extends HttpExchange {

    private final String method;
    private final URI uri;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private InputStream requestBody;
    private final ByteArrayOutputStream responseBody = new ByteArrayOutputStream();
    private OutputStream responseStream = responseBody;
    private int status = -1;
    private int headersSent;
    private boolean closed;

    FakeExchange(String method, URI uri, byte[] body) {
        this.method = method;
        this.uri = uri;
        this.requestBody = new ByteArrayInputStream(body);
    }

    /** The status the handler sent, or -1. */
    int status() {
        return status;
    }

    /** How many times the handler sent response headers (exactly once is right). */
    int headersSent() {
        return headersSent;
    }

    boolean closed() {
        return closed;
    }

    String answer() {
        return responseBody.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        throw new UnsupportedOperationException("no context in memory");
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InputStream getRequestBody() {
        return requestBody;
    }

    @Override
    public OutputStream getResponseBody() {
        return responseStream;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) {
        headersSent++;
        status = rCode;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return new InetSocketAddress("127.0.0.1", 7474);
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
        return null;
    }

    @Override
    public void setAttribute(String name, Object value) {
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            requestBody = i;
        }
        if (o != null) {
            responseStream = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
