package io.lockstep.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongUnaryOperator;

/**
 * Writes a folder shaped like a Pupil Cloud "Timeseries Data" download of one Neon recording,
 * with the real file and column names (gaze.csv, events.csv, world_timestamps.csv, imu.csv,
 * 3d_eye_states.csv, fixations.csv, blinks.csv, saccades.csv, info.json, scene_camera.json, a
 * scene video, and an enrichment subfolder with sections.csv and a CSV without timestamps), and
 * keeps the truth: for every timestamp cell, the time the other clock read at that instant.
 * Timestamps are stamped by a clock given as a function of true time, so the tests choose which
 * clock stamped the data. Not thread-safe.
 */
final class NeonExportFixture {

    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;

    /** Per file, per timestamp column, the truth of each row in file order. */
    final Map<String, Map<String, List<Long>>> truth = new LinkedHashMap<>();
    /** Files that must come out byte for byte. */
    final List<String> untouched = new ArrayList<>();

    /** The recording's folder in the download, and the phone its info.json names (null: none). */
    private String folder = "2026-11-30_10-00-00-5b1e7c4d";
    private String phone;
    /** The truth of info.json's start_time: the other clock's reading at the recording's start. */
    long startTimeTruth;

    private final Path dir;
    private final LongUnaryOperator stampedAt;
    private final LongUnaryOperator truthAt;
    private final Random random = new Random(42);

    /**
     * @param dir       the export folder to create
     * @param stampedAt true time (ns since the scenario's start) to the reading of the clock that stamped the data
     * @param truthAt   true time to the reading of the clock the data should be mapped to
     */
    NeonExportFixture(Path dir, LongUnaryOperator stampedAt, LongUnaryOperator truthAt) {
        this.dir = dir;
        this.stampedAt = stampedAt;
        this.truthAt = truthAt;
    }

    /** The recording goes into {@code folderName} of the download, its info.json naming {@code phoneName}. */
    NeonExportFixture recording(String folderName, String phoneName) {
        this.folder = folderName;
        this.phone = phoneName;
        return this;
    }

    /** The recording's folder in the download. */
    String folderName() {
        return folder;
    }

    /** Writes a recording from {@code fromNanos} to {@code toNanos} of true time. */
    NeonExportFixture write(long fromNanos, long toNanos) throws IOException {
        Path rec = Files.createDirectories(dir.resolve(folder));
        String ids = "5b1e7c4d-aaaa-4bbb-8ccc-0123456789ab,9f0a2b3c-dddd-4eee-8fff-ba9876543210,";
        String rid = "9f0a2b3c-dddd-4eee-8fff-ba9876543210,";
        try (Table gaze = new Table(rec, "gaze.csv", "section id,recording id,timestamp [ns],gaze x [px],gaze y [px],"
                + "worn,fixation id,blink id,azimuth [deg],elevation [deg]")) {
            for (long t = fromNanos; t < toNanos; t += 5 * MS) {
                gaze.row(ids, t, String.format(Locale.ROOT, ",%.3f,%.3f,1.0,%d,,%.6f,%.6f", 600 + 400 * random.nextDouble(),
                        500 + 300 * random.nextDouble(), (t - fromNanos) / (300 * MS) + 1, random.nextGaussian() * 10,
                        random.nextGaussian() * 8));
            }
        }
        try (Table world = new Table(rec, "world_timestamps.csv", "section id,recording id,timestamp [ns]")) {
            for (long t = fromNanos; t < toNanos; t += 33_333_333L) {
                world.row(ids, t, "");
            }
        }
        try (Table imu = new Table(rec, "imu.csv", "section id,recording id,timestamp [ns],gyro x [deg/s],gyro y [deg/s],"
                + "gyro z [deg/s],acceleration x [g],acceleration y [g],acceleration z [g],roll [deg],pitch [deg],yaw [deg],"
                + "quaternion w,quaternion x,quaternion y,quaternion z")) {
            for (long t = fromNanos; t < toNanos; t += 9_090_909L) {
                imu.row(ids, t, String.format(Locale.ROOT, ",%.4f,%.4f,%.4f,%.5f,%.5f,%.5f,%.3f,%.3f,%.3f,1.0,0.0,0.0,0.0",
                        random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), 0.01 * random.nextGaussian(),
                        -1 + 0.01 * random.nextGaussian(), 0.01 * random.nextGaussian(), 2.5, -4.0, 90.0));
            }
        }
        try (Table eyes = new Table(rec, "3d_eye_states.csv", "section id,recording id,timestamp [ns],"
                + "pupil diameter left [mm],pupil diameter right [mm],eyeball center left x [mm],eyeball center left y [mm],"
                + "eyeball center left z [mm],eyeball center right x [mm],eyeball center right y [mm],"
                + "eyeball center right z [mm],optical axis left x,optical axis left y,optical axis left z,"
                + "optical axis right x,optical axis right y,optical axis right z")) {
            for (long t = fromNanos; t < toNanos; t += 20 * MS) {
                eyes.row(ids, t, String.format(Locale.ROOT, ",%.4f,%.4f,-31.2,12.9,-34.1,31.0,14.8,-33.7,0.01,0.2,0.97,"
                        + "-0.02,0.21,0.97", 3.5 + 0.3 * random.nextGaussian(), 3.4 + 0.3 * random.nextGaussian()));
            }
        }
        try (Table fixations = new Table(rec, "fixations.csv", "section id,recording id,fixation id,start timestamp [ns],"
                + "end timestamp [ns],duration [ms],fixation x [px],fixation y [px],azimuth [deg],elevation [deg]");
             Table saccades = new Table(rec, "saccades.csv", "section id,recording id,saccade id,start timestamp [ns],"
                     + "end timestamp [ns],duration [ms],amplitude [px],amplitude [deg],mean velocity [px/s],"
                     + "peak velocity [px/s]")) {
            int id = 1;
            for (long t = fromNanos; t + 300 * MS < toNanos; t += 300 * MS, id++) {
                fixations.row(ids + id + ",", t, t + 240 * MS, ",240,812.5,640.25,1.5,-2.25");
                saccades.row(ids + id + ",", t + 240 * MS, t + 300 * MS, ",60,120.5,8.25,2008.3,4100.7");
            }
        }
        try (Table blinks = new Table(rec, "blinks.csv", "section id,recording id,blink id,start timestamp [ns],"
                + "end timestamp [ns],duration [ms]")) {
            int id = 1;
            for (long t = fromNanos + 2 * S; t + S < toNanos; t += 4 * S, id++) {
                blinks.row(ids + id + ",", t, t + 150 * MS, ",150");
            }
        }
        try (Table events = new Table(rec, "events.csv", "recording id,timestamp [ns],name,type")) {
            events.row(rid, fromNanos, ",recording.begin,recording");
            for (int i = 1; i <= 20; i++) {
                // A name with a comma, quoted as Pupil Cloud writes it.
                events.row(rid, fromNanos + i * (toNanos - fromNanos) / 22, ",\"stimulus " + i + ", onset\",recording");
            }
            events.row(rid, toNanos - MS, ",recording.end,recording");
        }
        Path enrichment = Files.createDirectories(dir.resolve("enrichments").resolve("marker-mapper_poster"));
        try (Table sections = new Table(enrichment, "sections.csv", "section id,recording id,recording name,wearer id,"
                + "wearer name,section start time [ns],section end time [ns],start event name,end event name")) {
            sections.row("5b1e7c4d-aaaa-4bbb-8ccc-0123456789ab," + rid + "Subject 7,e1d2c3b4,Ada,", fromNanos, toNanos - MS,
                    ",recording.begin,recording.end");
        }
        try (Table surface = new Table(enrichment, "surface_positions.csv", "section id,recording id,timestamp [ns],"
                + "detected marker IDs,tl x [px],tl y [px]")) {
            for (long t = fromNanos; t < toNanos; t += S) {
                surface.row(ids, t, ",\"1,2,3\",101.5,88.25");
            }
        }
        raw(enrichment.resolve("aoi_metrics.csv"), "aoi id,aoi name,total fixation duration [ms],time to first fixation [ms]\n"
                + "1,poster,12345,678\r\n2,\"title, big\",2345,91\n");
        raw(enrichment.resolve("enrichment_info.txt"), "Marker Mapper\nhttps://docs.pupil-labs.com/\nversion 3\n");
        // info.json's start_time is mapped too: not among the untouched files.
        Files.writeString(rec.resolve("info.json"), "{\"recording_id\": \"9f0a2b3c-dddd-4eee-8fff-ba9876543210\", "
                + (phone == null ? "" : "\"android_device_name\": \"" + phone + "\", ") + "\"start_time\": "
                + stampedAt.applyAsLong(fromNanos) + ", \"duration\": " + (toNanos - fromNanos) + "}\n",
                StandardCharsets.UTF_8);
        startTimeTruth = truthAt.applyAsLong(fromNanos);
        raw(rec.resolve("scene_camera.json"), "{\"camera_matrix\": [[892.1, 0.0, 815.3], [0.0, 891.8, 601.2], [0.0, 0.0, 1.0]]}");
        raw(rec.resolve("empty.csv"), "");
        byte[] video = new byte[300_000];
        random.nextBytes(video);
        Path mp4 = rec.resolve("5b1e7c4d_" + stampedAt.applyAsLong(fromNanos) + "-" + stampedAt.applyAsLong(toNanos) + ".mp4");
        Files.write(mp4, video);
        untouched.add(dir.relativize(mp4).toString());
        return this;
    }

    private void raw(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        untouched.add(dir.relativize(file).toString());
    }

    /** One CSV file: header, then rows whose timestamp cells are stamped and remembered. */
    private final class Table implements AutoCloseable {
        private final BufferedWriter w;
        private final Map<String, List<Long>> columns = new LinkedHashMap<>();
        private final List<String> names = new ArrayList<>();

        Table(Path folder, String name, String header) throws IOException {
            w = Files.newBufferedWriter(folder.resolve(name), StandardCharsets.UTF_8);
            w.write(header);
            w.write('\n');
            for (String column : header.split(",")) {
                if (column.endsWith("timestamp [ns]") || column.endsWith(" time [ns]")) {
                    columns.put(column, new ArrayList<>());
                    names.add(column);
                }
            }
            truth.put(dir.relativize(folder.resolve(name)).toString(), columns);
        }

        /** A row: {@code before}, the time stamped at true time {@code t}, then {@code after}. */
        void row(String before, long t, String after) throws IOException {
            w.write(before + stampedAt.applyAsLong(t) + after + "\n");
            columns.get(names.get(0)).add(truthAt.applyAsLong(t));
        }

        /** A row with two stamped times, a start and an end. */
        void row(String before, long t1, long t2, String after) throws IOException {
            w.write(before + stampedAt.applyAsLong(t1) + "," + stampedAt.applyAsLong(t2) + after + "\n");
            columns.get(names.get(0)).add(truthAt.applyAsLong(t1));
            columns.get(names.get(1)).add(truthAt.applyAsLong(t2));
        }

        @Override
        public void close() throws IOException {
            w.close();
        }
    }
}
