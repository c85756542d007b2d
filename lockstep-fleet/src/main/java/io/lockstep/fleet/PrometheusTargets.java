package io.lockstep.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's agents as Prometheus file-based service discovery targets ({@code file_sd_configs}):
 * one group per agent, {@code HOST:PORT} of its HTTP API (which serves {@code /metrics}) and the
 * labels {@code lockstep_name} and {@code lockstep_target}, so alerts and recording rules name
 * devices as {@code fleet status} does. Agentless devices ({@code ntp://}, {@code neon://}) have
 * no metrics endpoint and are left out. Stateless.
 */
public final class PrometheusTargets {

    private PrometheusTargets() {
    }

    /** The file_sd document for these devices (write it with {@link JsonText#write}). */
    public static List<Map<String, Object>> fileSd(List<Device> devices) {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (Device d : devices) {
            if (d.kind() != Device.Kind.AGENT) {
                continue;
            }
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("lockstep_name", d.name());
            labels.put("lockstep_target", d.target());
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("targets", List.of(d.authority()));
            group.put("labels", labels);
            groups.add(group);
        }
        return groups;
    }

    /** How many of {@code devices} are left out (agentless: nothing to scrape). */
    public static int leftOut(List<Device> devices) {
        return (int) devices.stream().filter(d -> d.kind() != Device.Kind.AGENT).count();
    }
}
