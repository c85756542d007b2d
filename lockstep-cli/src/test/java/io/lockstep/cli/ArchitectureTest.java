package io.lockstep.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The architecture rules of the whole repository, checked on the compiled classes of every
 * module (this module's test class path holds them all): no package cycles; sockets only in the
 * packages whose job is I/O; core's API is exactly its exported packages, their public
 * signatures name only exported types, and nothing outside core reaches core's non-exported
 * packages except the few places listed below with their reason. Only core has a
 * {@code module-info}, so on the class path these tests are what enforces its boundary.
 * Folds in the former {@code ApiBoundaryTest}. Not concurrent: JUnit runs it on one thread.
 */
class ArchitectureTest {

    /** Core's exported packages: what a program is written against. docs/architecture.md lists them too. */
    static final Set<String> EXPORTED = Set.of(
            "io.lockstep",
            "io.lockstep.clock",
            "io.lockstep.correct",
            "io.lockstep.log",
            "io.lockstep.measure",
            "io.lockstep.neon",
            "io.lockstep.net",
            "io.lockstep.protocol",
            "io.lockstep.schedule",
            "io.lockstep.time",
            "io.lockstep.track");

    /** Core's non-exported packages: {@code io.lockstep.internal} and everything under it. */
    private static final String INTERNAL = "io.lockstep.internal..";

    /**
     * Classes outside core allowed into {@code io.lockstep.internal..}, each for a reason that
     * cannot be met through the API. Main code first, then tests of other modules.
     */
    private static final Set<String> INTERNAL_REACH = Set.of(
            // The NTP load generator and the loopback attacks build and parse raw NTP packets
            // (malformed ones on purpose), which is the codec's job and no API's.
            "io.lockstep.bench.NtpLoadGenerator",
            "io.lockstep.bench.LoopbackAttacks",
            // The JMH benchmark measures the Time Echo codec and estimator themselves.
            "io.lockstep.bench.jmh.EchoCodecBenchmark",
            // The baselines and the Neon bench compare Lockstep's estimators with the simple
            // methods other tools use, sample by sample.
            "io.lockstep.bench.Baselines",
            "io.lockstep.bench.NeonBench",
            // Tests of the pure tracker and filter on simulated scenarios.
            "io.lockstep.testkit.TrackerPropertyTest",
            "io.lockstep.testkit.StepResponseTest",
            "io.lockstep.testkit.TrackerOnScenariosTest",
            // Decodes the kernel-stamped server's raw replies.
            "io.lockstep.linux.KernelStampedNtpServerTest");

    /** Packages whose job is I/O and so may hold sockets; core's only one is {@code net}. */
    private static final String[] SOCKET_PACKAGES = {
            "io.lockstep.net..", "io.lockstep.linux..", "io.lockstep.fleet..", "io.lockstep.sim..",
            "io.lockstep.testkit..", "io.lockstep.bench.."};

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static JavaClasses main;
    private static JavaClasses mainAndTests;

    @BeforeAll
    static void importClasses() throws IOException {
        // Main classes of every module come from this module's class path (jars or target/classes).
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lockstep");
        // Other modules' compiled tests are not on this class path; read them where the reactor
        // build put them (a module built alone may have none yet: then only main code is checked).
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            modules.filter(m -> m.getFileName().toString().startsWith("lockstep-"))
                    .map(m -> m.resolve("target/test-classes"))
                    .filter(Files::isDirectory)
                    .forEach(paths::add);
        }
        paths.add(ROOT.resolve("lockstep-core/target/classes"));
        mainAndTests = new ClassFileImporter().importPaths(paths);
    }

    /** Guards the rules against an empty import: each module's classes are there, and core is told apart. */
    @Test
    void theRulesSeeEveryModule() {
        for (String name : List.of("io.lockstep.Lockstep", "io.lockstep.internal.ntp.NtpCodec",
                "io.lockstep.fleet.Agent", "io.lockstep.bench.NtpLoadGenerator", "io.lockstep.sim.Scenario",
                "io.lockstep.cli.Main")) {
            assertTrue(main.contain(name), name + " not imported");
        }
        assertTrue(isCore(main.get("io.lockstep.internal.ntp.NtpCodec")));
        assertFalse(isCore(main.get("io.lockstep.bench.NtpLoadGenerator")));
        assertTrue(mainAndTests.contain("io.lockstep.net.NtpServer"));
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.lockstep.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void socketsOnlyInTheIoPackages() {
        noClasses().that().resideInAPackage("io.lockstep..")
                .and().resideOutsideOfPackages(SOCKET_PACKAGES)
                .should().dependOnClassesThat(socketTypes())
                .because("sockets live in the I/O packages; codecs, estimators, the scheduler and the front end stay testable without them")
                .check(main);
    }

    @Test
    void nothingOutsideCoreReachesItsInternalPackages() {
        noClasses().that(outsideCore()).and(notIn(INTERNAL_REACH))
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("io.lockstep.internal.. is not exported by core; the exceptions are listed in INTERNAL_REACH")
                .check(main);
        noClasses().that(outsideCore()).and(notIn(INTERNAL_REACH))
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("tests of other modules use core's API too; the exceptions are listed in INTERNAL_REACH")
                .check(mainAndTests);
    }

    @Test
    void exportedSignaturesNameOnlyExportedTypes() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
                .that(new DescribedPredicate<>("are public types of core's exported packages") {
                    @Override
                    public boolean test(JavaClass c) {
                        return EXPORTED.contains(c.getPackageName()) && isVisible(c);
                    }
                })
                .should(exposeNoInternalType())
                .check(main);
    }

    @Test
    void moduleInfoExportsExactlyTheApiPackages() throws IOException {
        String moduleInfo = Files.readString(ROOT.resolve("lockstep-core/src/main/java/module-info.java"),
                StandardCharsets.UTF_8);
        Set<String> exports = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;").matcher(moduleInfo);
        while (m.find()) {
            exports.add(m.group(1));
        }
        assertEquals(new TreeSet<>(EXPORTED), exports, "core's module-info exports");
        // Every package of core is either exported or internal: a new package is placed on purpose.
        Set<String> unplaced = new TreeSet<>();
        for (JavaClass c : main) {
            String p = c.getPackageName();
            if (isCore(c) && !EXPORTED.contains(p) && !p.equals("io.lockstep.internal")
                    && !p.startsWith("io.lockstep.internal.")) {
                unplaced.add(p);
            }
        }
        assertEquals(Set.of(), unplaced, "core packages neither exported nor under io.lockstep.internal");
    }

    /** True for classes compiled from lockstep-core (its jar or its target/classes). */
    static boolean isCore(JavaClass c) {
        return c.getSource().map(s -> {
            String uri = s.getUri().toString();
            return uri.contains("/lockstep-core/") || uri.contains("lockstep-core-");
        }).orElse(false);
    }

    private static DescribedPredicate<JavaClass> outsideCore() {
        return new DescribedPredicate<>("are outside lockstep-core") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().startsWith("io.lockstep") && !isCore(c);
            }
        };
    }

    private static DescribedPredicate<JavaClass> notIn(Set<String> names) {
        return new DescribedPredicate<>("are not listed exceptions") {
            @Override
            public boolean test(JavaClass c) {
                String top = c.getName().replaceFirst("\\$.*", "");
                return !names.contains(top);
            }
        };
    }

    private static DescribedPredicate<JavaClass> socketTypes() {
        Set<String> names = Set.of("java.net.Socket", "java.net.ServerSocket", "java.net.DatagramSocket",
                "java.net.MulticastSocket", "java.net.DatagramPacket", "java.nio.channels.SocketChannel",
                "java.nio.channels.ServerSocketChannel", "java.nio.channels.DatagramChannel",
                "java.nio.channels.AsynchronousSocketChannel", "java.nio.channels.AsynchronousServerSocketChannel");
        return new DescribedPredicate<>("are socket types") {
            @Override
            public boolean test(JavaClass c) {
                return names.contains(c.getName());
            }
        };
    }

    private static boolean isVisible(JavaClass c) {
        boolean visible = c.getModifiers().contains(JavaModifier.PUBLIC)
                || c.getModifiers().contains(JavaModifier.PROTECTED);
        return visible && c.getEnclosingClass().map(ArchitectureTest::isVisible).orElse(true);
    }

    private static boolean isInternal(JavaClass type) {
        String p = type.getBaseComponentType().getPackageName();
        return p.equals("io.lockstep.internal") || p.startsWith("io.lockstep.internal.");
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("name no type of io.lockstep.internal.. in a public signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                c.getRawSuperclass().filter(ArchitectureTest::isInternal)
                        .ifPresent(s -> leaks.add("extends " + s.getName()));
                c.getRawInterfaces().stream().filter(ArchitectureTest::isInternal)
                        .forEach(i -> leaks.add("implements " + i.getName()));
                for (JavaField f : c.getFields()) {
                    if (exposed(f.getModifiers()) && isInternal(f.getRawType())) {
                        leaks.add(f.getName() + ": " + f.getRawType().getName());
                    }
                }
                for (JavaCodeUnit u : c.getCodeUnits()) {
                    if (!exposed(u.getModifiers())) {
                        continue;
                    }
                    if (isInternal(u.getRawReturnType())) {
                        leaks.add(u.getFullName() + " returns " + u.getRawReturnType().getName());
                    }
                    for (JavaClass p : u.getRawParameterTypes()) {
                        if (isInternal(p)) {
                            leaks.add(u.getFullName() + " takes " + p.getName());
                        }
                    }
                    u.getThrowsClause().getTypes().stream().filter(ArchitectureTest::isInternal)
                            .forEach(t -> leaks.add(u.getFullName() + " throws " + t.getName()));
                }
                for (String leak : leaks) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " exposes " + leak));
                }
            }
        };
    }

    private static boolean exposed(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }
}
