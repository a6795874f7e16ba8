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
import io.meridian.nextcloud.CuttableRelay;
import io.meridian.nextcloud.PatternStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
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
    private String token;

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
                new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100), Duration.ofMinutes(1)),
                        user -> user.equals("quota-bob") ? new Quota(1L << 20, null, null, null, null, null) : Quota.UNLIMITED)));
        token = hub.tokenFor("alice", false, List.of("self"));
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
    void largeFilesGoUpAndComeBackIntact(@org.junit.jupiter.api.io.TempDir Path local) throws Exception {
        Path big = local.resolve("big.bin");
        try (OutputStream out = Files.newOutputStream(big)) {
            new PatternStream(64L * 1024 * 1024 + 123, 5).transferTo(out);
        }
        StorageEntry up = platform.storage().upload(big, "/big.bin");
        assertEquals(Files.size(big), up.size());
        Path back = platform.storage().download("/big.bin", local.resolve("back/big.bin"));
        assertEquals(sha256(Files.newInputStream(big)), sha256(Files.newInputStream(back)));
        assertEquals(sha256(Files.newInputStream(big)), sha256(platform.storage().read("/big.bin")));
        try (var files = Files.list(back.getParent())) {
            assertEquals(List.of("big.bin"), files.map(p -> p.getFileName().toString()).toList(), "no partial file is left");
        }
    }

    @Test
    void aTransferCutShortFailsAndLeavesNoFile(@org.junit.jupiter.api.io.TempDir Path local) throws Exception {
        byte[] twentyMiB = new byte[20 * 1024 * 1024];
        platform.storage().write("/whole.bin", twentyMiB);
        try (CuttableRelay relay = new CuttableRelay(hub.port(), Long.MAX_VALUE, 3L * 1024 * 1024)) {
            Platform cut = Platform.connect("http://127.0.0.1:" + relay.port() + "/hub/api", token);
            PlatformException e = assertThrows(PlatformException.class,
                    () -> cut.storage().download("/whole.bin", local.resolve("whole.bin")));
            assertTrue(e.getMessage().startsWith("downloading /whole.bin to ") && e.getMessage().contains("failed"), e.getMessage());
        }
        // the relay counts all its connections' bytes, so a fresh one for the stream
        try (CuttableRelay relay = new CuttableRelay(hub.port(), Long.MAX_VALUE, 3L * 1024 * 1024)) {
            Platform cut = Platform.connect("http://127.0.0.1:" + relay.port() + "/hub/api", token);
            try (InputStream in = cut.storage().read("/whole.bin")) {
                assertThrows(IOException.class, () -> in.transferTo(OutputStream.nullOutputStream()),
                        "a stream cut short fails rather than ending as if complete");
            }
        }
        try (var files = Files.list(local)) {
            assertEquals(List.of(), files.toList(), "neither the file nor a partial one is left");
        }
        try (CuttableRelay relay = new CuttableRelay(hub.port(), 3L * 1024 * 1024, Long.MAX_VALUE)) {
            Platform cut = Platform.connect("http://127.0.0.1:" + relay.port() + "/hub/api", token);
            PlatformException e = assertThrows(PlatformException.class, () -> cut.storage().write("/cut.bin", twentyMiB));
            assertTrue(e.getMessage().contains("broke off"), e.getMessage());
        }
        assertFalse(platform.storage().ls("/").stream().anyMatch(entry -> entry.name().equals("cut.bin")));
    }

    @Test
    void anUploadOverTheQuotaIsTheHubsRefusal(@org.junit.jupiter.api.io.TempDir Path local) throws IOException {
        Platform bob = Platform.connect(hub.url("/hub/api").toString(), hub.tokenFor("quota-bob", false, List.of("self")));
        // far more than the sockets' buffers hold, so the hub's 413 arrives while the body is still being sent
        Path big = local.resolve("big.bin");
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(256L * 1024 * 1024);
        }
        PlatformException e = assertThrows(PlatformException.class, () -> bob.storage().upload(big, "/big.bin"));
        assertEquals(413, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("storage quota exceeded"), e.getMessage());
        assertTrue(bob.storage().ls("/").isEmpty());
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

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream body = new DigestInputStream(in, digest)) {
            body.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
