package io.meridian.nextcloud;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming and failure behaviour of whole transfers against the real server. Surefire runs this
 * module with -Xmx128m, so the 1 GiB round trip cannot pass if any layer buffers a file.
 */
class LargeTransferTest {
    private static final long GIB = 1024L * 1024 * 1024;
    private WebDavClient dav;

    @BeforeEach
    void freshFolder() throws Exception {
        dav = new WebDavClient(TestWebDav.freshFolder());
    }

    @AfterEach
    void removeFolder() throws Exception {
        TestWebDav.remove(dav.config());
    }

    @Test
    void aGibibyteGoesUpAndComesBackIntactInASmallHeap() throws Exception {
        assertTrue(Runtime.getRuntime().maxMemory() <= 256L * 1024 * 1024,
                "this test must run with a small heap (-Xmx128m), to prove streaming");
        DigestInputStream source = new DigestInputStream(new PatternStream(GIB, 42), MessageDigest.getInstance("SHA-256"));

        dav.write("/big.bin", source, GIB);

        assertEquals(GIB, dav.stat("/big.bin").orElseThrow().size());
        assertEquals(hex(source.getMessageDigest()), sha256(dav.read("/big.bin")));
    }

    @Test
    void aServerThatVanishesMidUploadLeavesNoFileUnderTheRealName() throws Exception {
        URI root = dav.config().root();
        try (CuttableRelay relay = new CuttableRelay(root.getPort(), 3L * 1024 * 1024, Long.MAX_VALUE)) {
            WebDavClient cut = new WebDavClient(WebDavConfig.webDav(viaPort(root, relay.port()),
                    TestWebDav.USER, TestWebDav.PASSWORD));
            DavException e = assertThrows(DavException.class,
                    () -> cut.write("/data.bin", new PatternStream(20L * 1024 * 1024, 1), 20L * 1024 * 1024));
            assertEquals(0, e.status());
            assertTrue(e.getMessage().startsWith("cannot write /data.bin"), e.getMessage());
        }
        assertFalse(dav.stat("/data.bin").isPresent());
        assertTrue(dav.list("/").stream().noneMatch(r -> r.size() == 20L * 1024 * 1024));
    }

    @Test
    void aServerThatVanishesMidDownloadFailsTheReadInsteadOfEndingItEarly() throws Exception {
        long size = 20L * 1024 * 1024;
        dav.write("/data.bin", new PatternStream(size, 3), size);
        URI root = dav.config().root();
        try (CuttableRelay relay = new CuttableRelay(root.getPort(), Long.MAX_VALUE, 4L * 1024 * 1024)) {
            WebDavClient cut = new WebDavClient(WebDavConfig.webDav(viaPort(root, relay.port()),
                    TestWebDav.USER, TestWebDav.PASSWORD));
            InputStream in = cut.read("/data.bin");
            assertThrows(IOException.class, () -> in.transferTo(java.io.OutputStream.nullOutputStream()));
        }
    }

    @Test
    void aDownloadClosedHalfwayEndsAndTheNextOneIsWhole() throws Exception {
        long size = 20L * 1024 * 1024;
        DigestInputStream source = new DigestInputStream(new PatternStream(size, 5), MessageDigest.getInstance("SHA-256"));
        dav.write("/data.bin", source, size);
        for (int i = 0; i < 3; i++) {
            InputStream partial = dav.read("/data.bin");
            assertEquals(1024 * 1024, partial.readNBytes(1024 * 1024).length);
            partial.close();
            assertThrows(IOException.class, partial::read, "a closed download says so rather than ending quietly");
        }
        assertEquals(hex(source.getMessageDigest()), sha256(dav.read("/data.bin")));
    }

    private static URI viaPort(URI root, int port) {
        return URI.create(root.getScheme() + "://127.0.0.1:" + port + root.getRawPath());
    }

    private static String sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return hex(digest);
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
