package io.lockstep.fleet.trigger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a fleet's monitor and agents share to sign and check triggers with HMAC-SHA256.
 * A key file holds the key in hex on one line ({@code #} comment lines allowed); it must be
 * readable by its owner only, like an SSH private key, and loading refuses one that is not.
 * Immutable and thread-safe (each signature uses its own {@link Mac}).
 */
public final class FleetKey {

    /** Bytes of a generated key: 256 bits, the full strength of HMAC-SHA256. */
    public static final int KEY_BYTES = 32;
    /** Shortest key accepted from a file. */
    public static final int MIN_KEY_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;

    private FleetKey(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a fleet key needs at least " + MIN_KEY_BYTES + " bytes, this has "
                    + key.length);
        }
        this.key = key.clone();
    }

    /** A key from raw bytes (tests, or a caller with its own key store). */
    public static FleetKey of(byte[] key) {
        return new FleetKey(key);
    }

    /** A new random key from a {@link SecureRandom}. */
    public static FleetKey random() {
        byte[] b = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(b);
        return new FleetKey(b);
    }

    /**
     * Writes a new random key to {@code file}, created readable and writable by its owner only.
     * An existing file is never overwritten: a new key would lock the fleet out until every agent
     * has it.
     *
     * @throws FileAlreadyExistsException when the file exists
     */
    public static FleetKey generate(Path file) throws IOException {
        FleetKey k = random();
        String text = "# Lockstep fleet key (HMAC-SHA256). Keep it secret: whoever has it can fire this fleet's actions.\n"
                + HexFormat.of().formatHex(k.key) + "\n";
        boolean posix = Files.getFileStore(file.toAbsolutePath().getParent())
                .supportsFileAttributeView(PosixFileAttributeView.class);
        if (posix) {
            // Created owner-only in one step, so the key is never readable by others, not even briefly.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return k;
    }

    /**
     * Reads a key file, refusing one that its group or others may read or write, or that another
     * user owns (who could then read or replace it: an owner-only mode protects nothing when the
     * owner is someone else).
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException when its permissions are too open or its content is not a key
     */
    public static FleetKey load(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view != null) {
            String owner = ownerProblem(file, view);
            if (owner != null) {
                throw new IllegalArgumentException(owner);
            }
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            boolean open = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                    || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
            if (open) {
                throw new IllegalArgumentException("key file " + file + " is accessible by group or others (mode "
                        + PosixFilePermissions.toString(perms) + "); make it owner-only: chmod 600 " + file);
            }
        }
        String hex = null;
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (hex != null) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": a key file holds one key on one line");
            }
            hex = t;
        }
        if (hex == null) {
            throw new IllegalArgumentException("key file " + file
                    + " holds no key; create one with 'lockstep fleet keygen --out FILE'");
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key file " + file + " is not a Lockstep fleet key (expected hex digits)");
        }
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key file " + file + " holds a " + bytes.length + "-byte key; at least "
                    + MIN_KEY_BYTES + " are needed ('lockstep fleet keygen' makes " + KEY_BYTES + ")");
        }
        return new FleetKey(bytes);
    }

    /**
     * Why {@code file}'s owner is not the user running this process, or null when it is. Compares
     * numeric user ids where the platform has them ({@code unix:uid} of the file against that of
     * {@code /proc/self}, which the kernel gives the process's own effective uid), and names
     * otherwise (the file's owner against {@code user.name}).
     */
    static String ownerProblem(Path file, PosixFileAttributeView view) throws IOException {
        String owner = view.getOwner().getName();
        String user = System.getProperty("user.name");
        Integer fileUid = uid(file);
        Integer processUid = uid(Path.of("/proc/self"));
        boolean same = fileUid != null && processUid != null ? fileUid.equals(processUid) : owner.equals(user);
        if (same) {
            return null;
        }
        return "key file " + file + " is owned by " + owner + ", not by " + user + " who runs lockstep; a key another "
                + "user owns is refused (they could read or replace it): chown " + user + " " + file;
    }

    private static Integer uid(Path p) {
        try {
            return Files.exists(p) ? (Integer) Files.getAttribute(p, "unix:uid") : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }

    /** HMAC-SHA256 of {@code message} (UTF-8) in lower-case hex. */
    public String sign(String message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            // Every Java SE platform must provide HmacSHA256.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether {@code signatureHex} is this key's signature of {@code message}, compared in constant time. */
    public boolean verify(String message, String signatureHex) {
        if (signatureHex == null) {
            return false;
        }
        byte[] expected = sign(message).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signatureHex.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "FleetKey[" + key.length + " bytes]";
    }
}
