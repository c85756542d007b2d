package io.lockstep.fleet;

/**
 * Constants of the fleet's wire contract shared by the agent and the monitor: the HTTP port an
 * agent listens on unless told otherwise, the DNS-SD service type, and the API version a monitor
 * requires of an agent. Stateless.
 */
public final class FleetApi {

    /** An agent's HTTP port when {@code --http} names none, and the port {@code --scan} probes. */
    public static final int DEFAULT_HTTP_PORT = 7474;

    /** DNS-SD service type agents advertise, fully qualified for JmDNS. */
    public static final String SERVICE_TYPE = "_lockstep._tcp.local.";

    /**
     * Version of the status document. A monitor reads only agents that speak the same one: a
     * field that changed meaning would otherwise be shown as a wrong number rather than an error.
     */
    public static final int API_VERSION = 1;

    /** Path of the agent's status document. */
    public static final String STATUS_PATH = "/api/status";

    /**
     * Path of the agent's triggers: {@code POST} one, {@code GET} the recent ones, {@code GET
     * PATH/ID} one's report; {@code GET PATH/ID?wait_ms=N} holds the answer until the trigger is
     * done or N ms have passed (at most {@link #MAX_REPORT_WAIT_NANOS}), so a monitor learns of
     * the last firing without polling. An agent that predates the parameter answers at once.
     */
    public static final String TRIGGERS_PATH = "/api/triggers";

    /** Longest an agent holds a report answer for {@code wait_ms}: well inside its response deadline. */
    public static final long MAX_REPORT_WAIT_NANOS = 5_000_000_000L;

    /** Path of the agent's Prometheus metrics. */
    public static final String METRICS_PATH = "/metrics";

    /**
     * The largest error bound a monitor takes as a measurement (one year): an agent's bound is
     * at most seconds, even after days of holdover; a larger one is a broken or hostile agent,
     * shown as an error, and keeps sums of agent numbers far from overflow.
     */
    public static final long MAX_PLAUSIBLE_BOUND_NANOS = 365L * 86_400 * 1_000_000_000L;

    /**
     * The largest offset a monitor takes as a measurement (100 years either way): a device whose
     * clock was never set reads 1970, about 56 years behind, and is shown as it is; beyond this the
     * number is garbage, and a difference of two such offsets could overflow.
     */
    public static final long MAX_PLAUSIBLE_OFFSET_NANOS = 36_525L * 86_400 * 1_000_000_000L;

    private static final String FALLBACK_VERSION = "0.1.0-SNAPSHOT";

    private FleetApi() {
    }

    /** This build's software version (from the jar manifest; the project version when run from classes). */
    public static String softwareVersion() {
        String v = FleetApi.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? FALLBACK_VERSION : v;
    }

    /**
     * Why an agent that reports {@code apiVersion} and {@code softwareVersion} cannot be read by
     * this monitor, or null when it can. The major software version must match too: a 1.x agent
     * and a 0.x monitor promise nothing about each other.
     */
    public static String incompatibility(int apiVersion, String softwareVersion) {
        String ours = softwareVersion();
        if (apiVersion < 0) {
            return "incompatible agent: lockstep " + softwareVersion + " names no status API version, this monitor reads "
                    + "version " + API_VERSION + " (lockstep " + ours + ")";
        }
        if (apiVersion != API_VERSION) {
            return "incompatible agent: status API version " + apiVersion + " (agent " + softwareVersion
                    + "), this monitor reads version " + API_VERSION + " (lockstep " + ours + ")";
        }
        if (!major(softwareVersion).equals(major(ours))) {
            return "incompatible agent: lockstep " + softwareVersion + ", this monitor is lockstep " + ours;
        }
        return null;
    }

    private static String major(String version) {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }
}
