package io.lockstep.fleet;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fleet file: one device a line, {@code [NAME] TARGET}, where TARGET is
 * {@code agent://HOST[:PORT]}, {@code ntp://HOST[:PORT]} or {@code neon://HOST[:PORT]}; blank
 * lines and everything after {@code #} are ignored. Errors name the file and line. Stateless.
 */
public final class FleetFile {

    /** Most devices one file may list; a room is tens to a few hundred. */
    public static final int MAX_DEVICES = 4096;

    private FleetFile() {
    }

    /** A fleet file that cannot be used; the message is one line naming the file and line. */
    public static final class FormatException extends IOException {
        public FormatException(String message) {
            super(message);
        }
    }

    /** Reads and parses {@code file}. */
    public static List<Device> read(Path file) throws IOException {
        String text;
        try {
            if (Files.size(file) > 4L * 1024 * 1024) {
                throw new FormatException(file + ": larger than 4 MB, not a fleet file");
            }
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FormatException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new FormatException(file + ": not UTF-8 text");
        }
        if (text.indexOf('\0') >= 0) {
            throw new FormatException(file + ": binary data, not a fleet file");
        }
        return parse(file.toString(), text.lines().toList());
    }

    /**
     * Parses lines of a fleet file.
     *
     * @param source the file's name, for messages
     * @throws FormatException naming the line of the first problem
     */
    public static List<Device> parse(String source, List<String> lines) throws FormatException {
        List<Device> devices = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + " line " + (i + 1) + ": ";
            String[] words = line.split("\\s+");
            if (words.length > 2) {
                throw new FormatException(where + "expected '[NAME] TARGET', got " + words.length + " words");
            }
            String name = words.length == 2 ? words[0] : null;
            String target = words[words.length - 1];
            if (name != null && name.contains("://")) {
                throw new FormatException(where + "expected '[NAME] TARGET', got two targets");
            }
            Device d;
            try {
                d = Device.parse(name, target);
            } catch (IllegalArgumentException e) {
                throw new FormatException(where + e.getMessage());
            }
            if (!names.add(d.name())) {
                throw new FormatException(where + "the name '" + d.name() + "' is used twice");
            }
            if (!targets.add(d.via() + " " + d.authority())) {
                throw new FormatException(where + d.target() + " is listed twice");
            }
            if (devices.size() >= MAX_DEVICES) {
                throw new FormatException(where + "more than " + MAX_DEVICES + " devices");
            }
            devices.add(d);
        }
        return devices;
    }
}
