package io.meridian.hub.storage;

import io.meridian.nextcloud.WebDavConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** The real Apache mod_dav server of scripts/setup.d/40-webdav.sh; each test gets its own fresh folder. */
final class WebDavTestServer {
    static final URI SERVER = URI.create(env("MERIDIAN_WEBDAV_URL", "http://127.0.0.1:8490/dav/"));
    static final String USER = env("MERIDIAN_WEBDAV_USER", "meridian-test");
    static final String PASSWORD = env("MERIDIAN_WEBDAV_PASSWORD", "webdav-test-pass");

    private WebDavTestServer() {
    }

    /** The URL of a new empty folder on the server. */
    static URI freshFolder() throws IOException, InterruptedException {
        URI folder = URI.create(SERVER + "h-" + UUID.randomUUID() + "/");
        HttpResponse<Void> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(folder)
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .method("MKCOL", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("no WebDAV test server at " + SERVER
                    + ": run 'bash scripts/setup.sh' (step 40-webdav) first", e);
        }
        if (response.statusCode() != 201) {
            throw new IllegalStateException("cannot create a test folder on " + SERVER + ": HTTP " + response.statusCode());
        }
        return folder;
    }

    static WebDavConfig freshConfig() throws IOException, InterruptedException {
        return WebDavConfig.webDav(freshFolder(), USER, PASSWORD);
    }

    /** Removes a folder made by {@link #freshFolder()} with everything in it. */
    static void remove(URI folder) throws IOException, InterruptedException {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(folder)
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
