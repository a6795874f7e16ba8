package io.meridian.hub.storage;

import io.meridian.hub.quotas.Quota;
import io.meridian.hub.servers.SecretBox;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The storage service in a JVM of its own, started by {@link StorageThroughputIT} with a small heap:
 * {@code BoundedHeapHub DATA_DIR WEBDAV_FOLDER_URL LOGIN PASSWORD}. Prints "READY port token" and serves
 * until its stdin closes.
 */
public final class BoundedHeapHub {
    private BoundedHeapHub() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        UserStorage storage = new UserStorage(data.resolve("storage"), data.resolve("connections"),
                SecretBox.fromKeyFile(data.resolve("hub-secret.key")));
        storage.connect("alice", "webdav", URI.create(args[1]).toString(), args[2], args[3]);
        try (TestPlatformServer hub = TestPlatformServer.start(data, auth -> List.of(new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100), Duration.ofMinutes(1)), user -> Quota.UNLIMITED)))) {
            String token = hub.tokenFor("alice", false, List.of("self"));
            System.out.println("READY " + hub.port() + " " + token + " " + Runtime.getRuntime().maxMemory());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the test closes our stdin
            }
        }
    }
}
