package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lockstep.net.NtpServer;
import io.lockstep.net.NtpServerConfig;
import io.lockstep.time.TimeSource;

/**
 * The README's Java example is what a user writes, so it must compile and run as written: this
 * test cuts it out of README.md, compiles it against the library, and runs it against an NTP
 * server on loopback.
 */
class ReadmeExampleTest {

    @Test
    void theJavaExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\\n((?:(?!```).)*?public class WhatTimeIsIt.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a ```java block with class WhatTimeIsIt");
        Path source = dir.resolve("WhatTimeIsIt.java");
        Files.writeString(source, m.group(1), StandardCharsets.UTF_8);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source.toFile()))
                .call();
        assertTrue(compiled, diagnostics.toString());

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (NtpServer server = NtpServer.start(NtpServerConfig.builder(TimeSource.system()).port(0).build());
             URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                     ReadmeExampleTest.class.getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("WhatTimeIsIt").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {"ntp://127.0.0.1:" + server.port()});
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        String[] lines = out.strip().split("\n");
        assertEquals(2, lines.length, out);
        assertTrue(lines[0].matches("offset -?\\d+ ns ± \\d+ ns"), out);
        assertTrue(lines[1].matches("reference time \\d+ ns ± \\d+ ns, drift .* ppm, SYNCED"), out);
    }
}
