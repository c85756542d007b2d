package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code track} refuses to poll faster than the protocol allows, before it sends anything:
 * {@code --interval 1ns} used to be accepted and flooded the server.
 */
class TrackIntervalTest {

    @Test
    void anIntervalBelowTheProtocolsMinimumIsBadInput() {
        MainTest.Result r = MainTest.run("track", "ntp://127.0.0.1:9", "--interval", "1ns", "--count", "1");
        assertEquals(2, r.code(), r.err());
        MainTest.assertOneLineError(r, "use at least 15.625ms");
        MainTest.Result echo = MainTest.run("track", "echo://127.0.0.1:9", "--interval", "100us", "--count", "1");
        assertEquals(2, echo.code(), echo.err());
        MainTest.assertOneLineError(echo, "use at least 1ms");
    }
}
