package io.lockstep.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class NeonClientTest {

    @Test
    void findsThePhonesTimeEchoPort() throws IOException {
        String body = "{\"message\":\"Success\",\"result\":[{\"model\":\"Hardware\",\"data\":{}},"
                + "{\"model\":\"Phone\",\"data\":{\"ip\":\"192.0.2.7\",\"time_echo_port\":12321,\"battery_level\":80}}]}";
        assertEquals(12321, NeonClient.timeEchoPort(body, "x"));
    }

    @Test
    void oldAppIsNamedAsSuch() {
        String body = "{\"message\":\"Success\",\"result\":[{\"model\":\"Phone\",\"data\":{\"ip\":\"192.0.2.7\"}}]}";
        IOException e = assertThrows(IOException.class, () -> NeonClient.timeEchoPort(body, "x"));
        assertTrue(e.getMessage().startsWith("Companion app too old: Time Echo needs a newer version"), e.getMessage());
    }

    @Test
    void notACompanionAppIsSaid() {
        assertTrue(assertThrows(IOException.class, () -> NeonClient.timeEchoPort("<html>", "x")).getMessage()
                .contains("did not return JSON"));
        assertTrue(assertThrows(IOException.class, () -> NeonClient.timeEchoPort("{\"result\":[]}", "x")).getMessage()
                .contains("no Phone component"));
        assertTrue(assertThrows(IOException.class,
                () -> NeonClient.timeEchoPort("{\"result\":[{\"model\":\"Phone\",\"data\":{\"time_echo_port\":\"x\"}}]}", "x"))
                .getMessage().contains("invalid time_echo_port"));
    }
}
