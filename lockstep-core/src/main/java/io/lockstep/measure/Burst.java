package io.lockstep.measure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lockstep.protocol.TimeSample;

/**
 * The outcome of one burst of exchanges ({@link BurstSampler}): the valid samples in the order
 * taken, how many exchanges failed and why. Immutable.
 *
 * @param samples     valid samples, in the order taken
 * @param dropped     exchanges that failed (timeouts, mismatched or unusable replies)
 * @param dropReasons one-line reason → how many exchanges failed for it, in order of first occurrence
 * @param stoppedEarly why the burst ended before its count (a RATE kiss-o'-death), or null
 */
public record Burst(List<TimeSample> samples, int dropped, Map<String, Integer> dropReasons, String stoppedEarly) {

    public Burst {
        samples = List.copyOf(samples);
        dropReasons = Collections.unmodifiableMap(new LinkedHashMap<>(dropReasons));
    }

    /** Why exchanges failed, one line: {@code timeout (3x), reply lost (1x)}; empty when none did. */
    public String dropSummary() {
        List<String> parts = new ArrayList<>();
        dropReasons.forEach((reason, count) -> parts.add(reason + " (" + count + "x)"));
        return String.join(", ", parts);
    }
}
