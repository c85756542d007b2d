package io.lockstep.measure;

import java.util.List;

import io.lockstep.protocol.OffsetEstimate;

/**
 * What {@link SourceSelection} concluded from several servers' estimates: which agree
 * (truechimers), which do not (falsetickers), the interval all truechimers share, and the
 * combined estimate. Immutable.
 *
 * @param combined              the truechimers combined; its error bound covers the intersection
 * @param truechimers           estimates whose interval overlaps the intersection
 * @param falsetickers          estimates whose interval misses it
 * @param intersectionLowNanos  lower end of the interval a majority shares (Lockstep sign)
 * @param intersectionHighNanos upper end of that interval
 */
public record SelectedSources(OffsetEstimate combined, List<OffsetEstimate> truechimers,
                              List<OffsetEstimate> falsetickers, long intersectionLowNanos,
                              long intersectionHighNanos) {

    public SelectedSources {
        truechimers = List.copyOf(truechimers);
        falsetickers = List.copyOf(falsetickers);
    }

    /** True when {@code estimate} (by identity of target text) was flagged as a falseticker. */
    public boolean isFalseticker(OffsetEstimate estimate) {
        return falsetickers.stream().anyMatch(e -> e.target().equals(estimate.target()));
    }
}
