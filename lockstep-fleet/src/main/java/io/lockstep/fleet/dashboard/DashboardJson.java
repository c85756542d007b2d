package io.lockstep.fleet.dashboard;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The JSON the dashboard serves: one frame as one line (the event stream's data and
 * {@code GET /api/fleet}), with the field names of the fleet JSON in ARCHITECTURE.md plus
 * {@code wall_ns}, each device's {@code mark} and an optional {@code last_firing}; and the
 * history as columns ({@code GET /api/history}), which is what the plot needs and a fraction of
 * the size of a list of frames. Unknown numbers are written as null. Stateless and thread-safe.
 */
public final class DashboardJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private DashboardJson() {
    }

    /** One frame as one line of JSON. */
    public static String frame(DashboardFrame f) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("wall_ns", f.wallNanos());
            g.writeArrayFieldStart("devices");
            for (DashboardFrame.Row r : f.devices()) {
                g.writeStartObject();
                g.writeStringField("name", r.name());
                g.writeStringField("target", r.target());
                g.writeStringField("method", r.method());
                g.writeBooleanField("reachable", r.reachable());
                g.writeStringField("state", r.state());
                nullableLong(g, "offset_ns", r.hasOffset(), r.offsetNanos());
                nullableLong(g, "error_bound_ns", r.hasOffset(), r.errorBoundNanos());
                g.writeFieldName("drift_ppm");
                number(g, r.driftPpm());
                nullableLong(g, "sample_age_ns", r.sampleAgeNanos() >= 0, r.sampleAgeNanos());
                g.writeStringField("error", r.error());
                g.writeStringField("mark", r.mark().jsonName());
                g.writeEndObject();
            }
            g.writeEndArray();
            nullableLong(g, "spread_ns", f.spreadNanos() >= 0, f.spreadNanos());
            nullableLong(g, "spread_bound_ns", f.spreadNanos() >= 0, f.spreadBoundNanos());
            g.writeNumberField("tolerance_ns", f.toleranceNanos());
            g.writeBooleanField("within_tolerance", f.withinTolerance());
            if (f.lastFiring() != null) {
                g.writeFieldName("last_firing");
                lastFiring(g, f.lastFiring());
            }
            g.writeEndObject();
        });
    }

    /**
     * The frames as columns: {@code wall_ns}, {@code spread_ns}, {@code spread_bound_ns},
     * {@code tolerance_ns} (one entry per frame), and {@code devices}, each with its
     * {@code name}, {@code target} and {@code offset_ns} / {@code error_bound_ns} columns (null
     * where the device was absent or had no offset). Devices are told apart by target.
     */
    public static String history(List<DashboardFrame> frames, long windowNanos) {
        Map<String, DeviceColumns> devices = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            for (DashboardFrame.Row r : frames.get(i).devices()) {
                DeviceColumns c = devices.computeIfAbsent(r.target(), t -> new DeviceColumns(frames.size()));
                c.name = r.name();
                if (r.hasOffset()) {
                    c.offsetNanos[i] = r.offsetNanos();
                    c.boundNanos[i] = r.errorBoundNanos();
                    c.present[i] = true;
                }
            }
        }
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("window_ns", windowNanos);
            g.writeArrayFieldStart("wall_ns");
            for (DashboardFrame f : frames) {
                g.writeNumber(f.wallNanos());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("spread_ns");
            for (DashboardFrame f : frames) {
                nullableLong(g, f.spreadNanos() >= 0, f.spreadNanos());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("spread_bound_ns");
            for (DashboardFrame f : frames) {
                nullableLong(g, f.spreadNanos() >= 0, f.spreadBoundNanos());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("tolerance_ns");
            for (DashboardFrame f : frames) {
                g.writeNumber(f.toleranceNanos());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("devices");
            for (Map.Entry<String, DeviceColumns> e : devices.entrySet()) {
                DeviceColumns c = e.getValue();
                g.writeStartObject();
                g.writeStringField("name", c.name);
                g.writeStringField("target", e.getKey());
                g.writeArrayFieldStart("offset_ns");
                for (int i = 0; i < frames.size(); i++) {
                    nullableLong(g, c.present[i], c.offsetNanos[i]);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("error_bound_ns");
                for (int i = 0; i < frames.size(); i++) {
                    nullableLong(g, c.present[i], c.boundNanos[i]);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void lastFiring(JsonGenerator g, LastFiring f) throws IOException {
        g.writeStartObject();
        g.writeStringField("action", f.action());
        g.writeNumberField("reference_ns", f.referenceNanos());
        nullableLong(g, "spread_ns", f.spreadNanos() >= 0, f.spreadNanos());
        nullableLong(g, "spread_bound_ns", f.spreadNanos() >= 0, f.spreadBoundNanos());
        g.writeNumberField("tolerance_ns", f.toleranceNanos());
        g.writeBooleanField("within_tolerance", f.withinTolerance());
        g.writeArrayFieldStart("devices");
        for (LastFiring.Device d : f.devices()) {
            g.writeStartObject();
            g.writeStringField("name", d.name());
            g.writeStringField("outcome", d.outcome());
            nullableLong(g, "fired_reference_ns", d.fired(), d.firedReferenceNanos());
            nullableLong(g, "error_bound_ns", d.fired(), d.errorBoundNanos());
            nullableLong(g, "lateness_ns", d.fired(), d.latenessNanos());
            g.writeStringField("error", d.error());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static final class DeviceColumns {
        String name;
        final long[] offsetNanos;
        final long[] boundNanos;
        final boolean[] present;

        DeviceColumns(int frames) {
            offsetNanos = new long[frames];
            boundNanos = new long[frames];
            present = new boolean[frames];
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            body.write(g);
        } catch (IOException e) {
            // A StringWriter does not fail.
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void nullableLong(JsonGenerator g, String field, boolean present, long value) throws IOException {
        g.writeFieldName(field);
        nullableLong(g, present, value);
    }

    private static void nullableLong(JsonGenerator g, boolean present, long value) throws IOException {
        if (present) {
            g.writeNumber(value);
        } else {
            g.writeNull();
        }
    }

    private static void number(JsonGenerator g, double value) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumber(value);
        } else {
            g.writeNull();
        }
    }
}
