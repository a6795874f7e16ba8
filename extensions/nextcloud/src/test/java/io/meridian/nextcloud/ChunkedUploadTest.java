package io.meridian.nextcloud;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Nextcloud chunked upload v2, against {@link FakeNextcloudUploads} (no real Nextcloud can run here). */
class ChunkedUploadTest {
    @Test
    void aLargeFileGoesUpInNumberedChunksAndIsAssembledAtItsDestination() throws Exception {
        try (FakeNextcloudUploads nextcloud = new FakeNextcloudUploads()) {
            WebDavConfig config = WebDavConfig.nextcloud(URI.create(nextcloud.base()), "alice", "app-password")
                    .withChunking(5L * 1024 * 1024, 1024 * 1024);
            byte[] content = new byte[12 * 1024 * 1024 + 17];
            new Random(5).nextBytes(content);

            new WebDavClient(config).write("/Data Sets/big file.bin", new ByteArrayInputStream(content), content.length);

            String destination = nextcloud.base() + "/remote.php/dav/files/alice/Data%20Sets/big%20file.bin";
            assertArrayEquals(content, nextcloud.files.get(destination));
            List<String> methods = nextcloud.requests.stream().map(r -> r.substring(0, r.indexOf(' '))).toList();
            assertEquals(List.of("MKCOL", "PUT", "PUT", "PUT", "MOVE"), methods);
            assertEquals(true, nextcloud.requests.get(1).endsWith("/00001"));
            assertEquals(true, nextcloud.requests.get(4).endsWith("/.file"));
        }
    }
}
