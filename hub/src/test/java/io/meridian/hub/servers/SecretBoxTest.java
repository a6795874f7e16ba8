package io.meridian.hub.servers;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Server tokens at rest: encrypted with a key only the hub's user can read. */
class SecretBoxTest {

    @Test
    void encryptsSoThatOnlyTheSameKeyReadsItBack() throws Exception {
        Path dir = Files.createTempDirectory("secretbox");
        SecretBox box = SecretBox.fromKeyFile(dir.resolve("key"));
        String sealed = box.encrypt("server-token-123");
        assertFalse(sealed.contains("server-token-123"));
        assertNotEquals(sealed, box.encrypt("server-token-123"), "a fresh nonce every time");
        assertEquals("server-token-123", SecretBox.fromKeyFile(dir.resolve("key")).decrypt(sealed));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key"))));
        SecretBox other = SecretBox.fromKeyFile(dir.resolve("other-key"));
        assertThrows(IllegalStateException.class, () -> other.decrypt(sealed));
    }
}
