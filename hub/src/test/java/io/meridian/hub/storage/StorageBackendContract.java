package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every storage backend does the same way; each backend's test runs these against the real thing. */
abstract class StorageBackendContract {

    /** A backend over a fresh, empty storage. */
    abstract StorageBackend backend();

    @Test
    void everyOperationBehavesTheSame() {
        StorageBackend s = backend();
        s.mkdir(p("/data"));
        write(s, "/data/iris.csv", "sepal,petal\n5.1,1.4\n");

        StorageEntry iris = s.stat(p("/data/iris.csv")).orElseThrow();
        assertEquals("/data/iris.csv", iris.path());
        assertEquals("iris.csv", iris.name());
        assertEquals(StorageEntry.FILE, iris.type());
        assertEquals(20L, iris.size());
        assertEquals("text/csv", iris.contentType());
        assertNotNull(iris.modified());
        assertTrue(iris.modified().endsWith("Z"));

        StorageEntry folder = s.stat(p("/data")).orElseThrow();
        assertTrue(folder.isDirectory());
        assertNull(folder.size());

        s.copy(p("/data/iris.csv"), p("/data/copy.csv"), false);
        s.move(p("/data/copy.csv"), p("/moved.csv"), false);
        s.copy(p("/data"), p("/backup"), false);
        assertEquals(List.of("iris.csv"), names(s, "/data"));
        assertEquals(List.of("backup", "data", "moved.csv"), names(s, "/"));
        assertEquals("sepal,petal\n5.1,1.4\n", read(s, "/backup/iris.csv"));
        assertEquals("sepal,petal\n5.1,1.4\n", read(s, "/moved.csv"));

        s.delete(p("/data"));
        assertEquals(Optional.empty(), s.stat(p("/data/iris.csv")));
        assertEquals(List.of("backup", "moved.csv"), names(s, "/"));
        s.delete(p("/moved.csv"));
        assertEquals(List.of("backup"), names(s, "/"));
    }

    @Test
    void conflictsAreRefusedAndChangeNothing() {
        StorageBackend s = backend();
        write(s, "/a.txt", "a");
        write(s, "/b.txt", "b");
        assertEquals(412, status(() -> s.move(p("/a.txt"), p("/b.txt"), false)));
        assertEquals(412, status(() -> s.copy(p("/a.txt"), p("/b.txt"), false)));
        assertEquals(412, status(() -> s.write(p("/b.txt"), bytes("x"), 1, false)));
        assertEquals("b", read(s, "/b.txt"));
        assertEquals(409, status(() -> s.write(p("/missing/c.txt"), bytes("c"), 1, true)));
        assertEquals(409, status(() -> s.mkdir(p("/missing/sub"))));
        s.mkdir(p("/dir"));
        assertEquals(409, status(() -> s.mkdir(p("/dir"))));
        assertEquals(400, status(() -> s.move(p("/dir"), p("/dir/inside"), false)));
        assertEquals(400, status(() -> s.delete(StoragePath.ROOT)));
        assertEquals(404, status(() -> s.delete(p("/nothing-here"))));
        assertEquals(404, status(() -> s.read(p("/nothing-here")).close()));
        assertEquals(List.of("a.txt", "b.txt", "dir"), names(s, "/"));

        s.move(p("/a.txt"), p("/b.txt"), true);
        assertEquals("a", read(s, "/b.txt"));
    }

    @Test
    void anUploadThatBreaksOffLeavesNoFileBehind() {
        StorageBackend s = backend();
        write(s, "/kept.bin", "previous content");
        InputStream breaking = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ > 1_000_000) {
                    throw new IOException("sender went away");
                }
                return 'x';
            }
        };
        assertThrows(RuntimeException.class, () -> s.write(p("/kept.bin"), breaking, 2_000_000, true));
        assertEquals("previous content", read(s, "/kept.bin"));
        assertEquals(List.of("kept.bin"), names(s, "/"));
    }

    static StoragePath p(String path) {
        return StoragePath.parse(path);
    }

    static void write(StorageBackend s, String path, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.write(p(path), new ByteArrayInputStream(bytes), bytes.length, true);
    }

    static String read(StorageBackend s, String path) {
        try (InputStream in = s.read(p(path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(StorageBackend s, String folder) {
        return s.list(p(folder)).stream().map(StorageEntry::name).sorted().toList();
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    interface Action {
        void run() throws Exception;
    }

    static int status(Action action) {
        ApiException e = assertThrows(ApiException.class, action::run);
        assertFalse(e.getMessage().isBlank());
        return e.status();
    }
}
