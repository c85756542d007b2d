package io.lockstep.clock;

/** What the tracker made of one exchange. Immutable. */
public enum SampleVerdict {
    /** Used in the model. */
    ACCEPTED,
    /** Round trip too slow compared with recent ones, and its causality interval admits the model; ignored. */
    DELAYED,
    /**
     * Inconsistent with the model; held back and, unless more like it follow, ignored. When its
     * causality interval excludes the model, the published bound is widened to cover that interval.
     */
    OUTLIER,
    /** Confirmed a step: a new segment started with this and the held-back samples. */
    STEP,
    /** The exchange failed (lost, timed out). */
    DROPPED
}
