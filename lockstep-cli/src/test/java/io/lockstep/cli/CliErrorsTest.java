package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

class CliErrorsTest {

    @Test
    void plainWordsForNetworkFailures() {
        assertEquals("host unreachable: No route to host", CliErrors.describe(new NoRouteToHostException("No route to host")));
        assertEquals("connection refused: Connection refused", CliErrors.describe(new ConnectException("Connection refused")));
        assertEquals("unknown host: example.invalid", CliErrors.describe(new UnknownHostException("example.invalid")));
        assertEquals("timed out", CliErrors.describe(new SocketTimeoutException()));
    }

    @Test
    void libraryMessagesPassThroughAndWrappersAreUnwrapped() {
        assertEquals("cannot reach 192.0.2.1:1: host unreachable",
                CliErrors.describe(new ExecutionException(new NoRouteToHostException("cannot reach 192.0.2.1:1: host unreachable"))));
        assertEquals("IllegalStateException", CliErrors.describe(new IllegalStateException()));
    }
}
