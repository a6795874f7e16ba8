package io.meridian.hub.storage;

import io.meridian.hub.quotas.Quota;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.catalog.PlatformApiSpec;
import io.meridian.hub.servers.SecretBox;
import io.meridian.hub.web.Json;
import io.meridian.nextcloud.CuttableRelay;
import io.meridian.nextcloud.FakeNextcloudLoginFlow;
import io.meridian.nextcloud.TestWebDav;
import io.meridian.nextcloud.WebDavClient;
import io.meridian.nextcloud.WebDavConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /api/v1/storage over HTTP: the hub's real authenticator, a local folder, and a real WebDAV server. */
class StorageServiceTest {
    private Path data;
    private TestPlatformServer hub;
    private String alice;
    private String bob;

    @BeforeEach
    void start() {
        data = TestPlatformServer.tempDir();
        UserStorage storage = new UserStorage(data.resolve("storage"), data.resolve("storage-connections"),
                SecretBox.fromKeyFile(data.resolve("hub-secret.key")));
        hub = TestPlatformServer.start(data, auth -> List.of(new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100), Duration.ofMinutes(1)), user -> Quota.UNLIMITED)));
        alice = hub.tokenFor("alice", false, List.of("self"));
        bob = hub.tokenFor("bob", false, List.of("self"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aUserWorksWithTheirLocalFilesOverHttp() {
        assertEquals(201, post(alice, "/api/v1/storage/mkdir", "{\"path\": \"/data\"}").statusCode());
        HttpResponse<String> put = put(alice, "/api/v1/storage/files?path=/data/iris.csv", "a,b\n1,2\n");
        assertEquals(201, put.statusCode(), put.body());
        assertEquals("text/csv", json(put).path("content_type").asText());
        PlatformApiSpec.assertMatches("PUT", "/storage/files", 201, json(put));

        JsonNode listing = json(get(alice, "/api/v1/storage/list?path=/data"));
        PlatformApiSpec.assertMatches("GET", "/storage/list", 200, listing);
        assertEquals("local", listing.path("backend").asText());
        assertEquals("iris.csv", listing.path("entries").get(0).path("name").asText());
        assertEquals(8, listing.path("entries").get(0).path("size").asInt());

        HttpResponse<String> download = get(alice, "/api/v1/storage/files?path=/data/iris.csv");
        assertEquals(200, download.statusCode());
        assertEquals("a,b\n1,2\n", download.body());
        assertTrue(download.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));

        assertEquals(200, post(alice, "/api/v1/storage/copy", "{\"from\": \"/data/iris.csv\", \"to\": \"/iris2.csv\"}").statusCode());
        assertEquals(200, post(alice, "/api/v1/storage/move", "{\"from\": \"/iris2.csv\", \"to\": \"/data/iris3.csv\"}").statusCode());
        assertEquals(412, post(alice, "/api/v1/storage/move", "{\"from\": \"/data/iris3.csv\", \"to\": \"/data/iris.csv\"}").statusCode());
        assertEquals(204, hub.send(hub.request(alice, "/api/v1/storage/files?path=/data/iris3.csv").DELETE().build()).statusCode());
        assertEquals(404, get(alice, "/api/v1/storage/stat?path=/data/iris3.csv").statusCode());
        JsonNode quota = json(get(alice, "/api/v1/storage/quota"));
        PlatformApiSpec.assertMatches("GET", "/storage/quota", 200, quota);
        assertTrue(quota.path("used_bytes").asLong() >= 8);
        PlatformApiSpec.assertMatches("GET", "/storage/stat", 200, json(get(alice, "/api/v1/storage/stat?path=/data")));

        assertEquals(0, json(get(bob, "/api/v1/storage/list?path=/")).path("entries").size(), "bob sees only his own files");
    }

    @Test
    void traversalAttemptsAreRefusedWithoutTouchingAnything() throws IOException {
        Files.createDirectories(data.resolve("storage/bob"));
        Files.writeString(data.resolve("storage/bob/secret.txt"), "bob's");
        get(alice, "/api/v1/storage/list?path=/");
        for (String path : List.of("../bob/secret.txt", "..%2Fbob%2Fsecret.txt", "%252e%252e/bob/secret.txt",
                "%2e%2e/bob/secret.txt", "/data/../../bob/secret.txt", "..%5Cbob%5Csecret.txt")) {
            HttpResponse<String> r = get(alice, "/api/v1/storage/files?path=" + path);
            assertEquals(400, r.statusCode(), path + " -> " + r.body());
            assertEquals(400, json(r).path("status").asInt());
        }
        assertEquals(400, post(alice, "/api/v1/storage/move", "{\"from\": \"/x\", \"to\": \"../../bob/x\"}").statusCode());
        assertEquals(400, put(alice, "/api/v1/storage/files?path=../bob/planted.txt", "x").statusCode());
        assertEquals(List.of("secret.txt"), Files.list(data.resolve("storage/bob")).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void callersWithoutTheRightCredentialsAreRefused() {
        assertEquals(401, get(null, "/api/v1/storage/list").statusCode());
        assertEquals(401, get("not-a-token", "/api/v1/storage/list").statusCode());
        String narrow = hub.tokenFor("carol", false, List.of("read:users:activity!user=carol"));
        HttpResponse<String> r = get(narrow, "/api/v1/storage/list");
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(json(r).path("message").asText().contains("access:servers"));
    }

    @Test
    void aUserConnectsAWebDavAccountAndThePasswordIsSealedAtRest() throws Exception {
        URI folder = TestWebDav.freshFolder().root();
        String wrong = "{\"kind\": \"webdav\", \"url\": \"" + folder + "\", \"login\": \"" + TestWebDav.USER
                + "\", \"app_password\": \"wrong-password\"}";
        HttpResponse<String> refused = hub.send(hub.request(alice, "/api/v1/storage/connection")
                .PUT(HttpRequest.BodyPublishers.ofString(wrong)).build());
        assertEquals(400, refused.statusCode());
        assertTrue(json(refused).path("message").asText().contains("app password"), refused.body());
        assertEquals("local", json(get(alice, "/api/v1/storage/connection")).path("kind").asText());

        String right = wrong.replace("wrong-password", TestWebDav.PASSWORD);
        HttpResponse<String> connected = hub.send(hub.request(alice, "/api/v1/storage/connection")
                .PUT(HttpRequest.BodyPublishers.ofString(right)).build());
        assertEquals(200, connected.statusCode(), connected.body());
        assertFalse(connected.body().contains(TestWebDav.PASSWORD));
        PlatformApiSpec.assertMatches("PUT", "/storage/connection", 200, json(connected));
        String stored = Files.readString(data.resolve("storage-connections/alice.json"));
        assertFalse(stored.contains(TestWebDav.PASSWORD), "the password is encrypted at rest");

        assertEquals(201, put(alice, "/api/v1/storage/files?path=/hello.txt", "via the hub").statusCode());
        JsonNode listing = json(get(alice, "/api/v1/storage/list"));
        assertEquals("webdav", listing.path("backend").asText());
        assertEquals("hello.txt", listing.path("entries").get(0).path("name").asText());
        assertEquals("via the hub", get(alice, "/api/v1/storage/files?path=hello.txt").body());

        assertEquals(204, hub.send(hub.request(alice, "/api/v1/storage/connection").DELETE().build()).statusCode());
        assertEquals("local", json(get(alice, "/api/v1/storage/list")).path("backend").asText());
    }

    @Test
    void aWebDavServerThatVanishesMidTransferGivesCleanErrorsAndNoPartialFile() throws Exception {
        URI folder = TestWebDav.freshFolder().root();
        WebDavClient direct = new WebDavClient(WebDavConfig.webDav(folder, TestWebDav.USER, TestWebDav.PASSWORD));
        byte[] twentyMiB = new byte[20 * 1024 * 1024];
        direct.write("/existing.bin", new ByteArrayInputStream(twentyMiB), twentyMiB.length);
        try (CuttableRelay relay = new CuttableRelay(folder.getPort(), 3L * 1024 * 1024, Long.MAX_VALUE)) {
            connect(alice, URI.create("http://127.0.0.1:" + relay.port() + folder.getRawPath()));
            HttpResponse<String> upload = hub.send(hub.request(alice, "/api/v1/storage/files?path=/new.bin")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(twentyMiB)).build());
            assertEquals(502, upload.statusCode(), upload.body());
            assertTrue(json(upload).path("message").asText().startsWith("cannot write /new.bin"), upload.body());
        }
        try (CuttableRelay relay = new CuttableRelay(folder.getPort(), Long.MAX_VALUE, 4L * 1024 * 1024)) {
            connect(alice, URI.create("http://127.0.0.1:" + relay.port() + folder.getRawPath()));
            HttpResponse<InputStream> download = hub.send(hub.request(alice, "/api/v1/storage/files?path=/existing.bin")
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, download.statusCode());
            assertEquals(String.valueOf(twentyMiB.length), download.headers().firstValue("Content-Length").orElse(""));
            assertThrows(IOException.class, () -> download.body().transferTo(OutputStream.nullOutputStream()),
                    "a cut download must fail, not end early as if complete");
        }
        assertEquals(Optional.empty(), direct.stat("/new.bin"));
        assertEquals(List.of("existing.bin"), direct.list("/").stream().map(r -> r.name()).toList());
        TestWebDav.remove(WebDavConfig.webDav(folder, TestWebDav.USER, TestWebDav.PASSWORD));
    }

    @Test
    void aUserConnectsNextcloudByApprovingALoginInTheBrowser() throws Exception {
        URI davServer = TestWebDav.SERVER.resolve("/");
        try (FakeNextcloudLoginFlow nextcloud = new FakeNextcloudLoginFlow()) {
            HttpResponse<String> started = post(alice, "/api/v1/storage/connection/nextcloud-login",
                    "{\"url\": \"" + nextcloud.base() + "\"}");
            assertEquals(202, started.statusCode(), started.body());
            assertTrue(json(started).path("login_url").asText().startsWith(nextcloud.base() + "/login/v2/flow/"));
            Thread.sleep(300);
            assertEquals("pending", json(get(alice, "/api/v1/storage/connection/nextcloud-login")).path("status").asText());

            // Nextcloud hands out the Apache server's Nextcloud-layout tree (/remote.php/dav/files/meridian-test/).
            nextcloud.approve(davServer.toString(), TestWebDav.USER, TestWebDav.PASSWORD);
            JsonNode status = null;
            for (int i = 0; i < 50; i++) {
                status = json(get(alice, "/api/v1/storage/connection/nextcloud-login"));
                if (!status.path("status").asText().equals("pending")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals("connected", status.path("status").asText(), status.toString());
        }
        JsonNode connection = json(get(alice, "/api/v1/storage/connection"));
        assertEquals("nextcloud", connection.path("kind").asText());
        assertEquals(TestWebDav.USER, connection.path("login").asText());
        String name = "login-flow-" + System.nanoTime() + ".txt";
        assertEquals(201, put(alice, "/api/v1/storage/files?path=/" + name, "through Nextcloud's layout").statusCode());
        assertEquals("through Nextcloud's layout", get(alice, "/api/v1/storage/files?path=/" + name).body());
        assertEquals(204, hub.send(hub.request(alice, "/api/v1/storage/files?path=/" + name).DELETE().build()).statusCode());
        assertEquals(404, get(bob, "/api/v1/storage/connection/nextcloud-login").statusCode());
    }

    private void connect(String token, URI webdavFolder) {
        String body = "{\"kind\": \"webdav\", \"url\": \"" + webdavFolder + "\", \"login\": \"" + TestWebDav.USER
                + "\", \"app_password\": \"" + TestWebDav.PASSWORD + "\"}";
        HttpResponse<String> r = hub.send(hub.request(token, "/api/v1/storage/connection")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(200, r.statusCode(), r.body());
    }

    private HttpResponse<String> get(String token, String path) {
        return hub.send(hub.request(token, path).GET().build());
    }

    private HttpResponse<String> post(String token, String path, String body) {
        return hub.send(hub.request(token, path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> put(String token, String path, String body) {
        return hub.send(hub.request(token, path).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
