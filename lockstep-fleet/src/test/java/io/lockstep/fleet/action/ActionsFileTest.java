package io.lockstep.fleet.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ActionsFileTest {

    private static final Path DIR = Path.of("/etc/lockstep");

    @Test
    void readsEveryKindWithCommentsQuotesAndRelativeWritePaths() {
        ActionsFile f = ActionsFile.parse("""
                # the headset's actions
                blink   line  /usr/local/bin/led-loop --pin 17   # one line per blink

                shutter exec  /usr/bin/gpioset gpiochip0 "17=1" 'a b'
                led     write gpio/value 1
                beat    tick  /usr/local/bin/metronome "say \\"tick\\""
                """, "actions.txt", DIR);
        assertEquals(List.of("blink", "shutter", "led", "beat"), f.actions().stream().map(Action::name).toList());
        Action blink = f.find("blink").orElseThrow();
        assertEquals(ActionKind.LINE, blink.kind());
        assertEquals(List.of("/usr/local/bin/led-loop", "--pin", "17"), blink.args());
        assertEquals(2, blink.line());
        assertEquals(List.of("/usr/bin/gpioset", "gpiochip0", "17=1", "a b"), f.find("shutter").orElseThrow().args());
        assertEquals(List.of("/etc/lockstep/gpio/value", "1"), f.find("led").orElseThrow().args());
        assertEquals(List.of("/usr/local/bin/metronome", "say \"tick\""), f.find("beat").orElseThrow().args());
        assertTrue(f.find("nothing").isEmpty());
    }

    @Test
    void programsThatAreNotThereAreNamedOncePerAction() {
        // Bare names are looked up on the PATH given; write actions name no program.
        ActionsFile f = ActionsFile.parse("""
                blink exec /usr/bin/no-such-gpioset-here gpiochip0 17=1
                loop  line no-such-led-loop --pin 17
                beat  tick /no/such/metronome
                ok    exec sh -c true
                abs   exec /bin/sh -c true
                led   write gpio/value 1
                """, "a", DIR);
        assertEquals(List.of(
                "action 'blink': program /usr/bin/no-such-gpioset-here not found or not executable",
                "action 'loop': program no-such-led-loop not found or not executable",
                "action 'beat': program /no/such/metronome not found or not executable"),
                f.missingPrograms("/nonexistent-dir:/bin:/usr/bin"));
        assertEquals(List.of("action 'ok': program sh not found or not executable"),
                ActionsFile.parse("ok exec sh -c true\n", "a", DIR).missingPrograms("/nonexistent-dir"));
    }

    @Test
    void absoluteWritePathsStayAsWritten() {
        ActionsFile f = ActionsFile.parse("led write /sys/class/gpio/gpio17/value 0\n", "a", DIR);
        assertEquals("/sys/class/gpio/gpio17/value", f.find("led").orElseThrow().args().get(0));
    }

    @Test
    void errorsNameTheFileAndLine() {
        assertError("a:2: unknown kind 'run'; use exec, line, write or tick", "ok exec true\nbad run x\n");
        assertError("a:1: 'lonely' has no kind; write NAME KIND ARG... with KIND one of exec, line, write, tick",
                "lonely\n");
        assertError("a:1: 'exec' needs a program: NAME exec PROGRAM [ARG...]", "x exec\n");
        assertError("a:1: 'write' takes a path and a value: NAME write PATH VALUE", "x write /tmp/f\n");
        assertError("a:1: 'write' takes a path and a value: NAME write PATH VALUE", "x write /tmp/f 1 2\n");
        assertError("a:3: action 'x' is already defined on line 1", "x exec true\n\nx exec false\n");
        assertError("a:1: unclosed \" quote", "x exec \"true\n");
        String bad = assertThrows(IllegalArgumentException.class,
                () -> ActionsFile.parse("a/b exec true\n", "a", DIR)).getMessage();
        assertTrue(bad.startsWith("a:1: 'a/b' is not an action name"), bad);
    }

    private static void assertError(String message, String text) {
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> ActionsFile.parse(text, "a", DIR)).getMessage());
    }
}
