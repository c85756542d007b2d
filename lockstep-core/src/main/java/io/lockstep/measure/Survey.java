package io.lockstep.measure;


import java.util.List;
import java.util.Map;

import io.lockstep.protocol.OffsetEstimate;

/**
 * The result of measuring several servers at once ({@link OffsetMeter#measureAll}): each
 * reachable server's estimate, the one-line error of each server that could not be measured,
 * and the selection over the reachable ones. Immutable.
 *
 * @param estimates one per reachable server, in the order the targets were given
 * @param failures  target text → one-line error, for servers that gave no usable reply
 * @param selection truechimers, falsetickers and the combined estimate
 */
public record Survey(List<OffsetEstimate> estimates, Map<String, String> failures, SelectedSources selection) {

    public Survey {
        estimates = List.copyOf(estimates);
        // Keep the order the targets were given in: the CLI lists failures in it.
        failures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failures));
    }

    /** The combined estimate of the truechimers, in the same JSON contract as a single target. */
    public OffsetEstimate combined() {
        return selection.combined();
    }
}
