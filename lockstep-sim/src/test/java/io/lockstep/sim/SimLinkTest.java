package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class SimLinkTest {

    private static final long S = 1_000_000_000L;

    @Test
    void sameSeedSameDelays() {
        SimLink a = new SimLink(LinkModel.busyWifi(), 7);
        SimLink b = new SimLink(LinkModel.busyWifi(), 7);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(a.delayNanos(i % 2 == 0, i * S / 2), b.delayNanos(i % 2 == 0, i * S / 2));
        }
    }

    @Test
    void busyWifiHasLossSpikesAndAHeavyTail() {
        SimLink link = new SimLink(LinkModel.busyWifi(), 1);
        int lost = 0;
        int spikes = 0;
        long min = Long.MAX_VALUE;
        int n = 36_000;
        for (int i = 0; i < n; i++) {
            OptionalLong d = link.delayNanos(true, i * S / 10);
            if (d.isEmpty()) {
                lost++;
                continue;
            }
            min = Math.min(min, d.getAsLong());
            if (d.getAsLong() >= 50_000_000) {
                spikes++;
            }
        }
        double lossRate = lost / (double) n;
        assertTrue(lossRate > 0.01 && lossRate < 0.03, "loss " + lossRate);
        assertTrue(spikes > 50, "spikes " + spikes);
        assertTrue(min >= 1_500_000 && min < 1_600_000, "min delay " + min);
    }

    @Test
    void asymmetrySplitsAroundTheBase() {
        SimLink link = new SimLink(new LinkModel(2_000_000, 600_000, 0, 2, 0, 0, 0, 0, 0), 1);
        assertEquals(2_300_000, link.delayNanos(true, 0).getAsLong());
        assertEquals(1_700_000, link.delayNanos(false, 0).getAsLong());
    }
}
