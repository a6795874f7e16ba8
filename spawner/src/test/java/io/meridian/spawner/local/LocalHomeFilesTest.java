package io.meridian.spawner.local;

import io.meridian.spawner.HomeEntry;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.SpawnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A local server's home as the hub reaches it: inside the home only, never through a link, never overwriting unasked. */
class LocalHomeFilesTest {
    @TempDir
    Path root;

    private HomeFiles home() {
        return new LocalProcessSpawner(LocalSpawnerConfig.defaults(root.resolve("users"), root.resolve("servers")))
                .homeFiles("crs-ann", "ml101");
    }

    private Path homeDir() {
        return root.resolve("users/crs-ann");
    }

    @Test
    void writesFoldersAndFilesAndKeepsWhatIsThereUnlessAskedToOverwrite() throws Exception {
        HomeFiles home = home();
        assertEquals(List.of("a.ipynb", "data/x.csv"), home.writeTree("courses/ml101/hw1",
                Map.of("a.ipynb", bytes("original"), "data/x.csv", bytes("1,2")), false));
        Files.writeString(homeDir().resolve("courses/ml101/hw1/a.ipynb"), "student's work");

        assertEquals(List.of("new.txt"), home.writeTree("courses/ml101/hw1",
                Map.of("a.ipynb", bytes("original"), "new.txt", bytes("new")), false));
        assertEquals("student's work", Files.readString(homeDir().resolve("courses/ml101/hw1/a.ipynb")));

        List<HomeEntry> read = home.readTree("courses/ml101/hw1", 1000);
        assertEquals(List.of("a.ipynb", "data/x.csv", "new.txt"), read.stream().map(HomeEntry::path).toList());
        assertThrows(HomeFiles.TooLarge.class, () -> home.readTree("courses/ml101/hw1", 10));
        assertEquals(List.of(), home.readTree("courses/none", 1000), "a missing folder reads as empty");

        assertEquals(List.of("a.ipynb"), home.writeTree("courses/ml101/hw1", Map.of("a.ipynb", bytes("replaced")), true));
        assertEquals("replaced", Files.readString(homeDir().resolve("courses/ml101/hw1/a.ipynb")));
        home.deleteTree("courses/ml101/hw1/data");
        assertFalse(Files.exists(homeDir().resolve("courses/ml101/hw1/data")));
        assertTrue(Files.exists(homeDir().resolve("courses/ml101/hw1/new.txt")));
    }

    @Test
    void pathsOutsideTheHomeAreRefused() {
        HomeFiles home = home();
        for (String bad : List.of("../escape", "/etc", "courses/../../x", "a//b", "./a", "a\\b", "a/\u0000")) {
            assertThrows(SpawnException.class, () -> home.writeTree(bad, Map.of("f", bytes("x")), true), bad);
            assertThrows(SpawnException.class, () -> home.readTree(bad, 1000), bad);
            assertThrows(SpawnException.class, () -> home.deleteTree(bad), bad);
        }
        assertThrows(SpawnException.class, () -> home.writeTree("ok", Map.of("../../outside", bytes("x")), true));
        assertFalse(Files.exists(root.resolve("outside")));
        assertFalse(Files.exists(root.resolve("users/escape")));
    }

    @Test
    void symbolicLinksAreNeverFollowedOutOfTheHome() throws Exception {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not yours");
        Files.createDirectories(homeDir().resolve("courses"));
        Files.createSymbolicLink(homeDir().resolve("courses/ml101"), outside);
        Files.createSymbolicLink(homeDir().resolve("courses/secret.txt"), outside.resolve("secret.txt"));
        HomeFiles home = home();

        SpawnException write = assertThrows(SpawnException.class,
                () -> home.writeTree("courses/ml101/hw1", Map.of("a.txt", bytes("x")), false));
        assertTrue(write.getMessage().contains("symbolic link"), write.getMessage());
        assertThrows(SpawnException.class, () -> home.readTree("courses/ml101", 1000));
        assertEquals(List.of(), home.readTree("courses", 1000), "links inside a folder are skipped");
        home.deleteTree("courses/ml101");
        assertTrue(Files.exists(outside.resolve("secret.txt")), "deleting a link leaves its target alone");
        assertFalse(Files.exists(outside.resolve("hw1")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
