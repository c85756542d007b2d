package io.lockstep.fleet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetKeyTest {

    @TempDir
    Path dir;

    @Test
    void generatedKeyFileIsOwnerOnlyAndLoadsToTheSameKey() throws Exception {
        Path file = dir.resolve("fleet.key");
        FleetKey made = FleetKey.generate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        FleetKey loaded = FleetKey.load(file);
        assertEquals(made.sign("hello"), loaded.sign("hello"));
        assertTrue(loaded.verify("hello", made.sign("hello")));
        assertFalse(loaded.verify("hello!", made.sign("hello")));
        assertFalse(loaded.verify("hello", null));
        assertNotEquals(made.sign("hello"), FleetKey.random().sign("hello"));
        assertFalse(made.toString().contains(Files.readAllLines(file).get(1)), "toString must not show the key");
    }

    @Test
    void neverOverwritesAnExistingKey() throws Exception {
        Path file = dir.resolve("fleet.key");
        FleetKey.generate(file);
        String before = Files.readString(file);
        assertThrows(FileAlreadyExistsException.class, () -> FleetKey.generate(file));
        assertEquals(before, Files.readString(file));
    }

    @Test
    void refusesKeyFilesOthersCanRead() throws Exception {
        Path file = dir.resolve("fleet.key");
        FleetKey.generate(file);
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-rw-rw-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            String m = assertThrows(IllegalArgumentException.class, () -> FleetKey.load(file)).getMessage();
            assertEquals("key file " + file + " is accessible by group or others (mode " + mode
                    + "); make it owner-only: chmod 600 " + file, m);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        FleetKey.load(file);
    }

    @Test
    void refusesFilesThatHoldNoKey() throws Exception {
        Path file = Files.createFile(dir.resolve("k"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "# nothing\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetKey.load(file)).getMessage()
                .contains("holds no key"));
        Files.writeString(file, "not hex at all\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetKey.load(file)).getMessage()
                .contains("is not a Lockstep fleet key"));
        Files.writeString(file, "00112233\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetKey.load(file)).getMessage()
                .contains("holds a 4-byte key"));
    }

    @Test
    void refusesAnOwnerOnlyKeyOwnedBySomeoneElse() throws Exception {
        Path file = dir.resolve("fleet.key");
        FleetKey.generate(file);
        java.nio.file.attribute.UserPrincipal nobody;
        try {
            nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(file, nobody);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "cannot give a file away here (not root): " + e);
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeFalse("nobody".equals(System.getProperty("user.name")));
        String m = assertThrows(IllegalArgumentException.class, () -> FleetKey.load(file)).getMessage();
        assertTrue(m.contains("owned by nobody") && m.contains(System.getProperty("user.name")), m);
    }
}
