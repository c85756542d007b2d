package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class HotSpotCountersTest {

    @Test
    void readsThisJvmsHeapAsTheRuntimeSeesIt() throws Exception {
        HotSpotCounters counters = HotSpotCounters.of(ProcessHandle.current().pid());
        assumeTrue(counters != null, "no hsperfdata file (-XX:-UsePerfData?)");
        HotSpotCounters.Heap heap = counters.heap();
        long runtimeCommittedBytes = Runtime.getRuntime().totalMemory();
        assertTrue(heap.usedBytes() > 0 && heap.usedBytes() <= heap.committedBytes(), heap.toString());
        // The counters lag the heap by a few ms and count the same generations: close, not equal.
        assertTrue(Math.abs(heap.committedBytes() - runtimeCommittedBytes) <= runtimeCommittedBytes / 10 + (8 << 20),
                heap + " vs Runtime.totalMemory() " + runtimeCommittedBytes);
        assertTrue(heap.metaspaceUsedBytes() > 1_000_000, heap.toString());
        assertTrue(counters.read().containsKey("sun.gc.collector.0.invocations"), "names decoded");
    }
}
