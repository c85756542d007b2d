package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AttackBenchTest {

    private static AttackBench.Options options(int ntpSources, int threads, long idleHoldNanos) {
        return new AttackBench.Options(List.of(AttackBench.Attack.NTP_FLOOD), AttackBench.Options.defaultJvms(),
                ntpSources, 1, 100, 10, 10, idleHoldNanos, threads, 0, 0, 1_000_000_000L, true, false);
    }

    /** The bench measures the flags `./lockstep serve` really runs with: one copy may not drift from the other. */
    @Test
    void theScriptAndTheBenchUseTheSameSmallDeviceFlags() throws Exception {
        String script = java.nio.file.Files.readString(java.nio.file.Path.of("..", "lockstep"));
        assertTrue(script.contains("LOCKSTEP_JAVA_OPTS=\"" + AttackBench.SMALL_DEVICE_FLAGS + "\""), script);
    }

    @Test
    void attacksAreNamedAsOnTheCommandLine() {
        assertEquals(AttackBench.Attack.ECHO_CHURN, AttackBench.Attack.of("echo-churn"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttackBench.Attack.of("syn"));
        assertTrue(e.getMessage().contains("ntp-flood, echo-churn, echo-idle"), e.getMessage());
    }

    @Test
    void optionsOutOfRangeAreRefusedWithTheirName() {
        options(1000, 2, 1_000_000_000L);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(0, 2, 1_000_000_000L))
                .getMessage().startsWith("--ntp-sources 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(LoopbackAttacks.MAX_SOURCES + 1, 2, 1_000_000_000L))
                .getMessage().startsWith("--ntp-sources"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(1000, 0, 1_000_000_000L))
                .getMessage().startsWith("--threads 0"));
        assertThrows(IllegalArgumentException.class, () -> options(1000, 2, 1_000L));
    }

    @Test
    void defaultFlagSetsAreTheJvmsOwnAndTheSmallDeviceOnes() {
        Map<String, List<String>> jvms = AttackBench.Options.defaultJvms();
        assertEquals(List.of("default", "small"), List.copyOf(jvms.keySet()));
        assertEquals(List.of(), jvms.get("default"));
        assertEquals(AttackBench.splitFlags(AttackBench.SMALL_DEVICE_FLAGS), jvms.get("small"));
        assertEquals(List.of("-Xmx32m", "-XX:+UseSerialGC"), AttackBench.splitFlags("  -Xmx32m   -XX:+UseSerialGC "));
        assertEquals(List.of(), AttackBench.splitFlags(" "));
    }
}
