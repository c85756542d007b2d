package io.lockstep.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleet files: the forms, comments, defaults, and errors naming the line. */
class FleetFileTest {

    @Test
    void parsesTheForms() throws Exception {
        List<Device> d = FleetFile.parse("room.fleet", List.of(
                "# the room",
                "",
                "headset-1 agent://10.0.0.11        # a Pi",
                "agent://10.0.0.12:9000",
                "router ntp://192.168.1.1",
                "  neon   neon://[fd00::7]:8080  ",
                "chrony ntp://host.lan:11123"));
        assertEquals(5, d.size());
        assertEquals(new Device("headset-1", "agent://10.0.0.11", Device.Kind.AGENT, "10.0.0.11", FleetApi.DEFAULT_HTTP_PORT,
                null), d.get(0));
        assertEquals("10.0.0.12:9000", d.get(1).name());
        assertEquals(9000, d.get(1).port());
        assertEquals(Device.Kind.MEASURED, d.get(2).kind());
        assertEquals("ntp", d.get(2).via());
        assertEquals(123, d.get(2).port());
        assertEquals("ntp://192.168.1.1", d.get(2).clock().text());
        assertEquals(Device.Kind.MEASURED, d.get(3).kind());
        assertEquals("neon", d.get(3).via());
        assertEquals("fd00::7", d.get(3).host());
        assertEquals("[fd00::7]:8080", d.get(3).authority());
        assertEquals(11123, d.get(4).port());
        assertNull(d.get(0).clock());
    }

    @Test
    void anyRegisteredProtocolIsADevice() throws Exception {
        List<Device> d = FleetFile.parse("room.fleet", List.of("stim echo://127.0.0.1:9999", "ntp://127.0.0.1:9999"));
        assertEquals("echo", d.get(0).via());
        assertEquals("echo://127.0.0.1:9999", d.get(0).clock().text());
        // Same authority, another protocol: two devices, not one listed twice.
        assertEquals("ntp", d.get(1).via());
    }

    @Test
    void aNameFromTheNetworkCannotWriteToTheTerminal() {
        // Scan and DNS-SD name devices after what the agent says; fleet status prints the name.
        Device d = Device.parse("evil\u001b]0;pwned\u0007\u001b[2J\r\nrow", "agent://127.0.0.1:7474");
        assertTrue(d.name().chars().noneMatch(Character::isISOControl), d.name());
        assertTrue(d.name().startsWith("evil") && d.name().endsWith("row"), d.name());
    }

    @Test
    void errorsNameTheLine() {
        String[][] cases = {
                {"ok agent://a\nbad http://x", "room line 2: unknown device scheme 'http'"},
                {"a b c", "room line 1: expected '[NAME] TARGET', got 3 words"},
                {"agent://a agent://b", "two targets"},
                {"x agent://a:99999", "room line 1: port 99999"},
                {"just-a-name", "room line 1: 'just-a-name' is not a device"},
                {"a agent://h1\na agent://h2", "room line 2: the name 'a' is used twice"},
                {"agent://h1\nother agent://h1:7474", "room line 2: agent://h1:7474 is listed twice"},
                {"e echo://h", "echo://HOST:PORT"},
        };
        for (String[] c : cases) {
            FleetFile.FormatException e = assertThrows(FleetFile.FormatException.class,
                    () -> FleetFile.parse("room", c[0].lines().toList()), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void readsFilesAndRefusesWhatIsNotOne(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("fleet.txt");
        Files.writeString(f, "a agent://127.0.0.2\n");
        assertEquals(1, FleetFile.read(f).size());
        FleetFile.FormatException missing = assertThrows(FleetFile.FormatException.class,
                () -> FleetFile.read(dir.resolve("none.txt")));
        assertTrue(missing.getMessage().endsWith("none.txt: no such file"), missing.getMessage());
        Path bin = dir.resolve("bin");
        Files.write(bin, new byte[] {0, 1, 2, 3});
        assertTrue(assertThrows(FleetFile.FormatException.class, () -> FleetFile.read(bin)).getMessage().contains("binary"));
    }
}
