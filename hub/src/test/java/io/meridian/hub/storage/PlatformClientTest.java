package io.meridian.hub.storage;

import io.meridian.hub.quotas.Quota;
import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.CatalogLoader;
import io.meridian.hub.catalog.CatalogService;
import io.meridian.hub.catalog.MetadataValidator;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.servers.SecretBox;
import io.meridian.platform.Listing;
import io.meridian.platform.Module;
import io.meridian.platform.ModuleList;
import io.meridian.platform.Platform;
import io.meridian.platform.PlatformException;
import io.meridian.platform.StorageEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notebook-side {@code platform} API (extensions/platform) against the hub's real platform services. */
class PlatformClientTest {
    private Path data;
    private TestPlatformServer hub;
    private Platform platform;

    @BeforeEach
    void start() {
        data = TestPlatformServer.tempDir();
        Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()),
                Path.of("../catalog").toAbsolutePath().normalize(), null);
        catalog.refresh();
        UserStorage storage = new UserStorage(data.resolve("storage"), data.resolve("connections"),
                SecretBox.fromKeyFile(data.resolve("hub-secret.key")));
        hub = TestPlatformServer.start(data, auth -> List.of(
                new CatalogService(auth::api, catalog, user -> Resources.DEFAULT_QUOTA),
                new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100), Duration.ofMinutes(1)), user -> Quota.UNLIMITED)));
        String token = hub.tokenFor("alice", false, List.of("self"));
        platform = Platform.connect(hub.url("/hub/api").toString(), token);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aNotebookFindsModulesAndReadsTheirMetadata() {
        ModuleList found = platform.modules().search("iris");
        assertEquals(List.of("iris-classifier"), found.stream().map(Module::id).toList());
        Module iris = platform.modules().get("iris-classifier");
        assertEquals("meridian/module-iris", iris.image());
        assertEquals(5000, iris.port());
        Map<String, Object> metadata = platform.modules().metadata("iris-classifier");
        assertEquals("2.3.0", metadata.get("metadata_version"));
        assertEquals(4, platform.modules().list().size());
        assertEquals("alice", platform.me().name());
    }

    @Test
    void aNotebookWorksWithItsFiles(@org.junit.jupiter.api.io.TempDir Path local) throws IOException {
        platform.storage().mkdir("/data");
        StorageEntry written = platform.storage().write("/data/notes.txt", "hello from a notebook");
        assertEquals(21L, written.size());
        assertEquals("hello from a notebook", platform.storage().readString("/data/notes.txt"));

        Path csv = Files.writeString(local.resolve("iris.csv"), "sepal,petal\n5.1,1.4\n");
        assertEquals("text/csv", platform.storage().upload(csv.toString(), "/data/iris.csv").contentType());
        Path back = platform.storage().download("/data/iris.csv", local.resolve("copy/iris.csv").toString());
        assertEquals("sepal,petal\n5.1,1.4\n", Files.readString(back));
        try (InputStream in = platform.storage().read("/data/notes.txt")) {
            assertEquals(21, in.readAllBytes().length);
        }

        Listing listing = platform.storage().ls("/data");
        assertEquals("local", listing.backend());
        assertEquals(List.of("iris.csv", "notes.txt"), listing.stream().map(StorageEntry::name).sorted().toList());
        platform.storage().rm("/data/notes.txt");
        assertEquals(1, platform.storage().ls("/data").size());
    }

    @Test
    void hubErrorsArriveAsOneLineWithTheHubsMessage(@org.junit.jupiter.api.io.TempDir Path local) {
        PlatformException missing = assertThrows(PlatformException.class, () -> platform.modules().get("nope"));
        assertEquals(404, missing.status());
        assertEquals("no module 'nope' in the catalog", missing.getMessage());
        assertEquals(0, missing.getStackTrace().length);

        PlatformException escape = assertThrows(PlatformException.class, () -> platform.storage().readString("../etc/passwd"));
        assertEquals(400, escape.status());
        assertTrue(escape.getMessage().contains(".."), escape.getMessage());

        assertThrows(PlatformException.class, () -> platform.storage().download("/missing.bin", local.resolve("x.bin").toString()));
        assertFalse(Files.exists(local.resolve("x.bin")), "a failed download leaves no file");

        Platform wrongToken = Platform.connect(hub.url("/hub/api").toString(), "not-a-token");
        assertEquals(401, assertThrows(PlatformException.class, () -> wrongToken.storage().ls()).status());
    }
}
