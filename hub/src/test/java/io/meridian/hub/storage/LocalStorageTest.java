package io.meridian.hub.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStorageTest extends StorageBackendContract {
    @TempDir
    Path temp;

    @Override
    StorageBackend backend() {
        return new LocalStorage(temp.resolve("alice"));
    }

    @Test
    void symlinksPointingOutsideCannotBeFollowed() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("bob"));
        Files.writeString(outside.resolve("secret.txt"), "bob's secret");
        StorageBackend alice = backend();
        Path aliceRoot = temp.resolve("alice");
        Files.createSymbolicLink(aliceRoot.resolve("escape"), outside);
        Files.createSymbolicLink(aliceRoot.resolve("secret-link.txt"), outside.resolve("secret.txt"));

        assertEquals(403, status(() -> alice.read(p("/escape/secret.txt"))));
        assertEquals(403, status(() -> alice.read(p("/secret-link.txt"))));
        assertEquals(403, status(() -> alice.list(p("/escape"))));
        assertEquals(403, status(() -> write(alice, "/escape/planted.txt", "x")));
        assertEquals(403, status(() -> alice.delete(p("/escape/secret.txt"))));
        assertEquals(403, status(() -> alice.copy(p("/secret-link.txt"), p("/stolen.txt"), false)));
        assertEquals(403, status(() -> alice.mkdir(p("/escape/sub"))));
        assertTrue(alice.list(p("/")).isEmpty(), "links that leave the storage are not listed");
        assertEquals("bob's secret", Files.readString(outside.resolve("secret.txt")));
        assertEquals(1, Files.list(outside).count());
    }

    @Test
    void writingOverALinkReplacesTheLinkNotItsTarget() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("bob"));
        Files.writeString(outside.resolve("notes.txt"), "bob's notes");
        StorageBackend alice = backend();
        Files.createSymbolicLink(temp.resolve("alice").resolve("notes.txt"), outside.resolve("notes.txt"));

        write(alice, "/notes.txt", "alice's notes");

        assertEquals("bob's notes", Files.readString(outside.resolve("notes.txt")));
        assertEquals("alice's notes", read(alice, "/notes.txt"));
    }
}
