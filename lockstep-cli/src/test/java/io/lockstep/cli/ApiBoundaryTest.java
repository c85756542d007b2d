package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * {@code io.lockstep.internal} is not API: lockstep-core's module does not export it, and no
 * other module of this repository may use it, on the class path either, where the module
 * system cannot stop them. This test fails the build when one does.
 */
class ApiBoundaryTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** An import or qualified use of a class in the package (built so this file does not match itself). */
    private static final java.util.regex.Pattern USE =
            java.util.regex.Pattern.compile("\\bio\\.lockstep\\." + "internal\\.[A-Za-z*]");

    @Test
    void nothingOutsideCoreUsesTheInternalPackage() throws IOException {
        List<String> uses = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("lockstep-")
                    && !p.getFileName().toString().equals("lockstep-core")).toList()) {
                Path src = module.resolve("src");
                if (!Files.isDirectory(src)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(src)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        try {
                            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                            for (int i = 0; i < lines.size(); i++) {
                                if (USE.matcher(lines.get(i)).find()) {
                                    uses.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                                }
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        assertEquals(List.of(), uses, "io.lockstep.internal used outside lockstep-core");
    }

    @Test
    void coreExportsItsApiButNotTheInternalPackage() throws IOException {
        String moduleInfo = Files.readString(ROOT.resolve("lockstep-core/src/main/java/module-info.java"),
                StandardCharsets.UTF_8);
        assertTrue(moduleInfo.contains("exports io.lockstep.protocol;"), moduleInfo);
        assertFalse(moduleInfo.contains("exports io.lockstep.internal"), moduleInfo);
    }
}
