package io.lockstep.fleet;

import java.util.Locale;

import io.lockstep.clock.ClockState;
import io.lockstep.clock.SampleVerdict;

/**
 * The agent's Prometheus metrics in the text exposition format (version 0.0.4), written by hand:
 * a dozen series do not justify a metrics library's registry and its memory on a Raspberry Pi,
 * and the format is small and stable. Every metric has HELP and TYPE lines; unknown values
 * (while unsynced) are NaN, as Prometheus expects for a gauge with no value. Stateless.
 *
 * <p>Metrics: {@code lockstep_offset_seconds} (device − reference), {@code lockstep_error_bound_seconds},
 * {@code lockstep_drift_ppm} (reference relative to the device), {@code lockstep_state} (a state
 * set: one series per state, 1 for the current one), {@code lockstep_samples_total{verdict}},
 * {@code lockstep_last_sample_age_seconds}, {@code lockstep_uptime_seconds} and
 * {@code lockstep_agent_info{name,version,reference}}. Where the agent watches a chronyd (see
 * {@link io.lockstep.fleet.chrony.ChronyView}), also {@code lockstep_system_offset_seconds} (the
 * system clock − reference by the agent), {@code lockstep_chrony_offset_seconds} (the same by
 * chronyd), {@code lockstep_chrony_error_bound_seconds}, {@code lockstep_chrony_root_delay_seconds},
 * {@code lockstep_chrony_root_dispersion_seconds}, {@code lockstep_chrony_stratum},
 * {@code lockstep_chrony_synced} and {@code lockstep_chrony_disagrees}; absent without one.
 */
public final class MetricsText {

    /** Content type of the text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsText() {
    }

    /**
     * The metrics for one status reading and the per-verdict sample counts.
     *
     * @param verdictCounts exchanges per {@link SampleVerdict}, indexed by ordinal
     */
    public static String write(AgentStatus s, long[] verdictCounts) {
        StringBuilder sb = new StringBuilder(2048);
        String info = "name=\"" + escape(s.name()) + "\",version=\"" + escape(s.version()) + "\",reference=\""
                + escape(s.reference()) + "\"";
        header(sb, "lockstep_agent_info", "gauge", "The agent's name, version and reference; always 1.");
        sb.append("lockstep_agent_info{").append(info).append("} 1\n");
        header(sb, "lockstep_offset_seconds", "gauge",
                "Offset of this device's clock from the reference (device minus reference), in seconds; NaN while unsynced.");
        sample(sb, "lockstep_offset_seconds", s.offsetNanos() == null ? Double.NaN : s.offsetNanos() * 1e-9);
        header(sb, "lockstep_error_bound_seconds", "gauge",
                "The true offset lies within lockstep_offset_seconds plus or minus this, in seconds; NaN while unsynced.");
        sample(sb, "lockstep_error_bound_seconds", s.errorBoundNanos() == null ? Double.NaN : s.errorBoundNanos() * 1e-9);
        header(sb, "lockstep_drift_ppm", "gauge",
                "How fast the reference runs relative to this device's clock, in parts per million (positive: reference fast).");
        sample(sb, "lockstep_drift_ppm", s.driftPpm() == null ? Double.NaN : s.driftPpm());
        header(sb, "lockstep_state", "gauge", "Tracking state: 1 for the current state, 0 for the others.");
        for (ClockState state : ClockState.values()) {
            sb.append("lockstep_state{state=\"").append(state.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(state == s.state() ? 1 : 0).append('\n');
        }
        header(sb, "lockstep_samples_total", "counter", "Exchanges with the reference, by what the tracker made of them.");
        for (SampleVerdict v : SampleVerdict.values()) {
            sb.append("lockstep_samples_total{verdict=\"").append(v.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(v.ordinal() < verdictCounts.length ? verdictCounts[v.ordinal()] : 0).append('\n');
        }
        header(sb, "lockstep_last_sample_age_seconds", "gauge",
                "Time since the newest sample in the clock model, in seconds; NaN while unsynced.");
        sample(sb, "lockstep_last_sample_age_seconds",
                s.lastSampleAgeNanos() == null ? Double.NaN : s.lastSampleAgeNanos() * 1e-9);
        header(sb, "lockstep_uptime_seconds", "gauge", "Time since the agent started, in seconds.");
        sample(sb, "lockstep_uptime_seconds", s.uptimeNanos() * 1e-9);
        if (s.chrony() != null) {
            chrony(sb, s.chrony());
        }
        return sb.toString();
    }

    private static void chrony(StringBuilder sb, io.lockstep.fleet.chrony.ChronyView c) {
        header(sb, "lockstep_system_offset_seconds", "gauge",
                "The system clock minus the reference by this agent's own measurement, in seconds; NaN while unsynced.");
        sample(sb, "lockstep_system_offset_seconds", c.systemOffsetNanos() == null ? Double.NaN : c.systemOffsetNanos() * 1e-9);
        header(sb, "lockstep_chrony_offset_seconds", "gauge",
                "The system clock minus its NTP reference as chronyd sees it (chronyc tracking), in seconds.");
        sample(sb, "lockstep_chrony_offset_seconds", c.offsetNanos() * 1e-9);
        header(sb, "lockstep_chrony_error_bound_seconds", "gauge",
                "chrony's own bound on that offset: root dispersion plus half the root delay, in seconds.");
        sample(sb, "lockstep_chrony_error_bound_seconds", c.errorBoundNanos() * 1e-9);
        header(sb, "lockstep_chrony_root_delay_seconds", "gauge", "chronyd's root delay, in seconds.");
        sample(sb, "lockstep_chrony_root_delay_seconds", c.rootDelayNanos() * 1e-9);
        header(sb, "lockstep_chrony_root_dispersion_seconds", "gauge", "chronyd's root dispersion, in seconds.");
        sample(sb, "lockstep_chrony_root_dispersion_seconds", c.rootDispersionNanos() * 1e-9);
        header(sb, "lockstep_chrony_stratum", "gauge", "chronyd's stratum (0 while unsynchronised).");
        sample(sb, "lockstep_chrony_stratum", c.stratum());
        header(sb, "lockstep_chrony_synced", "gauge", "1 when chronyd's leap status is anything but unsynchronised.");
        sample(sb, "lockstep_chrony_synced", c.synced() ? 1 : 0);
        header(sb, "lockstep_chrony_disagrees", "gauge",
                "1 when chronyd and this agent disagree about the system clock beyond both bounds; NaN when either is unsynced.");
        sample(sb, "lockstep_chrony_disagrees", c.disagrees() == null ? Double.NaN : c.disagrees() ? 1 : 0);
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder sb, String name, double value) {
        sb.append(name).append(' ').append(number(value)).append('\n');
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escape(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
