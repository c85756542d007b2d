package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.sim.FakeCompanion;
import io.lockstep.time.SimulatedTimeSource;
import io.lockstep.time.TimeSource;

/**
 * The stimulus-program snippet of docs/neon.md (step 4, "Mark events where they happened") compiles
 * as written and, pointed at a fake Companion app instead of the page's address, marks its event.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeNeonExampleTest {

    @Test
    void theStimulusSnippetCompilesAndMarksTheOnset(@TempDir Path dir) throws Exception {
        String page = Files.readString(Path.of("..", "docs", "neon.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\\n((?:(?!```).)*?Neon\\.connect\\(tracker\\)(?:(?!```).)*)```", Pattern.DOTALL)
                .matcher(page);
        assertTrue(m.find(), "docs/neon.md has the ```java snippet with Neon.connect(tracker)");
        SimulatedTimeSource phone = new SimulatedTimeSource(TimeSource.system(), 30_000_000L, 0);
        try (FakeCompanion app = FakeCompanion.start(phone)) {
            // The app keeps events only inside a recording, and Neon refuses to post outside one.
            new io.lockstep.net.NeonClient("127.0.0.1", app.httpPort(), 2_000_000_000L).startRecording();
            String snippet = m.group(1).replace("neon://192.168.1.23", "neon://127.0.0.1:" + app.httpPort());
            String source = "import io.lockstep.Lockstep;\nimport io.lockstep.neon.Neon;\nimport io.lockstep.track.Tracker;\n"
                    + "import java.time.Duration;\n\npublic class StimulusMarkers {\n"
                    + "    public static void main(String[] args) throws Exception {\n" + snippet + "    }\n}\n";
            Path file = dir.resolve("StimulusMarkers.java");
            Files.writeString(file, source, StandardCharsets.UTF_8);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            StringWriter diagnostics = new StringWriter();
            boolean compiled = javac.getTask(diagnostics, null, null,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()), null,
                    javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file.toFile()))
                    .call();
            assertTrue(compiled, diagnostics + "\n" + source);
            try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                    ReadmeNeonExampleTest.class.getClassLoader())) {
                loader.loadClass("StimulusMarkers").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
            }
            List<FakeCompanion.ReceivedEvent> events = app.events();
            assertEquals(1, events.size(), events.toString());
            assertEquals("stimulus.onset", events.get(0).name());
        }
    }
}
